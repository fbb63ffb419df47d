@testable import JobKit
import Testing

/// How a scheduler's store outages are reported: once each, and never again for a failure
/// that began before the store last answered.
@Suite struct StoreHealthTests {
    private struct Unreachable: Error {}

    /// While a failover ends, one job's connect begun before it may fail after another job's
    /// acquisition succeeded on the promoted server: that failure is stale, not a new outage.
    @Test func aFailureOfAnAttemptBegunBeforeTheLastAnswerIsNotANewOutage() {
        let recorder = EventRecorder()
        let health = StoreHealth(logger: recorder.logger(), metrics: .global, store: "test-store")
        let first = ContinuousClock.now
        health.failed(Unreachable(), job: "a", attemptStarted: first)
        let staleAttempt = ContinuousClock.now
        health.succeeded()
        health.failed(Unreachable(), job: "b", attemptStarted: staleAttempt)
        #expect(recorder.events(.storeUnavailable).count == 1)
        #expect(recorder.events(.storeRecovered).count == 1)
        #expect(health.snapshot.outage == nil, "the store answered after the stale attempt began")

        // An attempt begun after the last answer that fails is a new outage.
        health.failed(Unreachable(), job: "c", attemptStarted: ContinuousClock.now)
        #expect(recorder.events(.storeUnavailable).count == 2)
        #expect(health.snapshot.outage != nil)
    }
}
