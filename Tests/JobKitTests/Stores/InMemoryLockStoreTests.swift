import Foundation
import JobKit
import Testing

/// The memory store on a ``ManualLockClock``: stepping time instead of sleeping, as users'
/// unit tests do.
@Suite struct InMemoryLockStoreTests {
    private let start = Date(timeIntervalSince1970: 1_795_000_000)

    private func request(_ id: String, _ owner: String, ttl: Duration? = .seconds(60), liveness: Duration? = nil) -> LockRequest {
        LockRequest(lockID: id, owner: owner, ttl: ttl, liveness: liveness)
    }

    @Test func manualClockMovesOnlyWhenTold() {
        let clock = ManualLockClock(start)
        #expect(clock.now() == start)
        clock.advance(by: .milliseconds(1500))
        #expect(micros(clock.now()) == micros(start) + 1_500_000)
        clock.advance(by: .seconds(-2))
        #expect(micros(clock.now()) == micros(start) - 500_000)
        clock.set(start)
        #expect(clock.now() == start)
    }

    @Test func ttlExpiresExactlyWhenTheClockReachesIt() throws {
        let clock = ManualLockClock(start)
        let store = InMemoryLockStore(clock: clock)
        let lease = try #require(try store.acquire(request("job", "alpha")).lease)
        #expect(lease.acquiredAt == start)

        clock.advance(by: .seconds(60) - .microseconds(1))
        #expect(try store.acquire(request("job", "beta")).refusal?.holder?.owner == "alpha")
        #expect(store.locks().first?.status == .held)

        clock.advance(by: .microseconds(1))
        #expect(store.locks().first?.status == .expired)
        let takeover = try #require(try store.acquire(request("job", "beta")).lease)
        #expect(takeover.recovered?.reason == .expired)
        #expect(store.release(lease) == .lost(.takenOver(by: takeover.holderView, released: false)))
    }

    @Test func heartbeatWindowsPassByStepping() throws {
        let clock = ManualLockClock(start)
        let store = InMemoryLockStore(clock: clock)
        let lease = try #require(try store.acquire(request("job", "alpha", ttl: nil, liveness: .seconds(30))).lease)
        for _ in 0..<10 {
            clock.advance(by: .seconds(20))
            #expect(store.heartbeat(lease, window: .seconds(30)) == .alive(expired: false))
        }
        #expect(try store.acquire(request("job", "beta")).refusal != nil)
        clock.advance(by: .seconds(30))
        let takeover = try #require(try store.acquire(request("job", "beta")).lease)
        #expect(takeover.recovered?.reason == .ownerDead)
        #expect(store.heartbeat(lease, window: .seconds(30)) == .lost(.takenOver(by: takeover.holderView, released: false)))
    }

    @Test func dbMutexTimeoutWithoutSleeping() throws {
        let clock = ManualLockClock(start)
        let store = InMemoryLockStore(clock: clock)
        let first = DBMutex(store: store, owner: "worker-1", ttl: .seconds(60), heartbeat: nil, logger: .discarding)
        let second = DBMutex(store: store, owner: "worker-2", ttl: .seconds(60), heartbeat: nil, logger: .discarding)

        // Ran long, alone.
        let alone = try #require(throws: DBMutexTimeoutError.self) {
            try first.withLock("report") { clock.advance(by: .seconds(61)) }
        }
        #expect(alone.overlapped == false)

        // Ran long, and the second worker took over meanwhile.
        let overlapped = try #require(throws: DBMutexTimeoutError.self) {
            try first.withLock("report") {
                #expect(throws: DBMutexError.self) { try second.withLock("report") {} }
                clock.advance(by: .seconds(60))
                try second.withLock("report") {}
            }
        }
        #expect(overlapped.overlapped == true)
    }

    @Test func storesAreIndependentAndDescribeThemselves() throws {
        let one = InMemoryLockStore()
        let two = InMemoryLockStore()
        _ = try #require(try one.acquire(request("job", "alpha")).lease)
        _ = try #require(try two.acquire(request("job", "beta")).lease)
        #expect(one.description == "memory:")
        #expect(one.clock is SystemLockClock)
    }

    @Test func locksAreListedInCodePointOrder() throws {
        let store = InMemoryLockStore(clock: ManualLockClock(start))
        for id in ["b", "a", "é", "Z", "🔒", "aa"] {
            _ = try store.acquire(request(id, "alpha"))
        }
        #expect(store.locks().map(\.lockID) == ["Z", "a", "aa", "b", "é", "🔒"])
    }
}

extension Lease {
    /// This lease as a holder, as others see it.
    var holderView: LockHolder {
        LockHolder(owner: owner, token: token, since: acquiredAt, until: expiresAt, aliveUntil: aliveUntil)
    }
}
