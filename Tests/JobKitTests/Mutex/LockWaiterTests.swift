import Foundation
@testable import JobKit
import Testing

/// The pacing of `wait:`: every delay between 1 ms and 1 s, doubling for a lock held long,
/// no longer than the holder's lease is old, never past the wait's end, none for an old tick.
@Suite struct LockWaiterTests {
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func refusal(heldFor age: Duration, at checkedAt: Date) -> DBMutexError {
        let since = checkedAt.addingTimeInterval(-age.jobKitTimeInterval)
        let holder = LockHolder(owner: "holder", token: 1, since: since, until: nil, aliveUntil: nil)
        return DBMutexError(lockID: "x", reason: .held(by: holder), checkedAt: checkedAt)
    }

    @Test func delaysDoubleForALockHeldLongAndStayWithinTheirBounds() throws {
        var waiter = LockWaiter(budget: .seconds(3600))
        var ceilings: [Duration] = []
        for attempt in 0..<12 {
            let next = waiter.delay(after: refusal(heldFor: .seconds(600), at: now))
            let delay = try #require(next)
            let ceiling = min(LockWaiter.initialDelay * (1 << attempt), LockWaiter.maximumDelay)
            #expect(delay >= ceiling / 2 && delay <= ceiling, "attempt \(attempt): \(delay)")
            ceilings.append(ceiling)
        }
        #expect(ceilings.last == .seconds(1))
    }

    @Test func aLockThatChangesHandsQuicklyIsRetriedQuicklyButNeverBusily() throws {
        var waiter = LockWaiter(budget: .seconds(3600))
        for _ in 0..<20 {
            let next = waiter.delay(after: refusal(heldFor: .microseconds(300), at: now))
            let delay = try #require(next)
            #expect(delay >= LockWaiter.minimumDelay, "never under 1 ms: \(delay)")
            #expect(delay <= .milliseconds(1), "no longer than the holder's lease is old, floored at 1 ms")
        }
    }

    @Test func theWaitEndsOnTheStoresClockAndNeverOversleepsIt() throws {
        var waiter = LockWaiter(budget: .seconds(5))
        #expect(waiter.delay(after: refusal(heldFor: .seconds(60), at: now)) != nil)
        let next = waiter.delay(after: refusal(heldFor: .seconds(60), at: now.addingTimeInterval(4.995)))
        let last = try #require(next)
        #expect(last <= .milliseconds(5), "at most what is left of the wait: \(last)")
        #expect(waiter.delay(after: refusal(heldFor: .seconds(60), at: now.addingTimeInterval(5))) == nil)
        #expect(waiter.waited == .seconds(5))
    }

    @Test func aTickThatAlreadyRanIsNotRetried() {
        var waiter = LockWaiter(budget: .seconds(60))
        let ran = DBMutexError(lockID: "x", reason: .alreadyRan(tick: now, lastTick: now), checkedAt: now)
        #expect(waiter.delay(after: ran) == nil)
    }
}
