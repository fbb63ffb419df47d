@testable import JobKit
import Foundation
import Synchronization
import Testing

/// What the scheduler's forecast of claims on their way says, and how an acquire gathering
/// waits for it: past its usual bound while a claim is forecast, and no longer than its own.
@Suite struct ClaimForecastTests {
    static let tick = Date(timeIntervalSince1970: 1_800_000_000)

    /// A clock the test sets.
    private final class Now: Sendable {
        let date: Mutex<Date>
        init(_ date: Date) { self.date = Mutex(date) }
        func set(_ date: Date) { self.date.withLock { $0 = date } }
    }

    /// A forecast whose clock reads `now`.
    private func forecast(_ now: Now) -> ClaimForecast {
        ClaimForecast { now.date.withLock { $0 } }
    }

    @Test func aSleepCountsOnlyOnceItIsDueAndAWokenJobCountsUntilItsClaimEnds() {
        let now = Now(Self.tick.addingTimeInterval(-1))
        let forecast = forecast(now)
        forecast.willSleep(until: Self.tick)
        #expect(!forecast.expectsMore, "a sleep not yet due is no claim on its way")
        now.set(Self.tick)
        #expect(forecast.expectsMore, "a job due and not woken will claim")
        forecast.woke(from: Self.tick, claiming: true)
        #expect(forecast.expectsMore, "the woken job has not claimed yet")
        forecast.claimEnded()
        #expect(!forecast.expectsMore)
    }

    @Test func aSleepEndedByAStopIsNoClaimAndExtraEndsAreHarmless() {
        let now = Now(Self.tick)
        let forecast = forecast(now)
        forecast.willSleep(until: Self.tick)
        forecast.woke(from: Self.tick, claiming: false)
        #expect(!forecast.expectsMore)
        forecast.claimEnded()
        forecast.expectClaim()
        #expect(forecast.expectsMore, "an ending too many does not hide the next claim")
    }

    /// Records every batch sent.
    private final class Sent: Sendable {
        let batches = Mutex<[[Int]]>([])
    }

    @Test func aGatheringWaitsPastItsLongestForAForecastClaim() async throws {
        let forecast = ClaimForecast { Self.tick }
        forecast.expectClaim()
        let sent = Sent()
        let gathering = ClaimGathering<Int, Int>(
            label: "test.forecast", window: .milliseconds(1), longest: .milliseconds(2),
            expecting: forecast, longestExpected: .seconds(600)
        ) { items in
            sent.batches.withLock { $0.append(items) }
            return items.map { .success($0) }
        }
        let first = Task { await gathering.submit(1) }
        // Long past the gathering's usual 2 ms: it still waits, because a claim is forecast.
        try await Task.sleep(for: .milliseconds(200))
        #expect(sent.batches.withLock { $0.isEmpty })
        let second = await gathering.submit(2) { forecast.claimEnded() }
        #expect(try second.get() == 2)
        #expect(try await first.value.get() == 1)
        #expect(sent.batches.withLock { $0 } == [[1, 2]], "one batch for both")
    }

    @Test func aForecastThatNeverComesTrueDelaysAGatheringOnlyByItsBound() async throws {
        let forecast = ClaimForecast { Self.tick }
        forecast.expectClaim()
        let sent = Sent()
        let gathering = ClaimGathering<Int, Int>(
            label: "test.forecast.bound", window: .milliseconds(1), longest: .milliseconds(2),
            expecting: forecast, longestExpected: .milliseconds(50)
        ) { items in
            sent.batches.withLock { $0.append(items) }
            return items.map { .success($0) }
        }
        #expect(try await gathering.submit(7).get() == 7)
        #expect(sent.batches.withLock { $0 } == [[7]])
    }
}
