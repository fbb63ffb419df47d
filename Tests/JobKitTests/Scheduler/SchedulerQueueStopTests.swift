import Foundation
@testable import JobKit
import MetricsTestKit
import Testing

/// `queue_one` and a scheduler that stops: the tick waiting in the queue did not run, and is
/// reported as skipped (`stopping`), never as a failure that would page someone at a deploy.
@Suite struct SchedulerQueueStopTests {
    @Test func aTickWaitingInTheQueueWhenTheSchedulerStopsIsSkippedAsStoppingNotFailed() async throws {
        let store = InMemoryLockStore()
        let tick0 = Date(timeIntervalSince1970: 1_800_000_000)
        let elsewhere = LockRequest(lockID: "queued-stop", owner: "another-machine", ttl: .seconds(3600), liveness: nil)
        _ = try #require(try store.acquire(elsewhere).lease)
        let clock = ManualSchedulerClock(tick0 + 2)
        let log = TickLog()
        let recorder = EventRecorder()
        let job = ScheduledJob(
            name: "queued-stop", schedule: .every(.seconds(10)), grace: .seconds(5), job: CountingJob(log: log), overlap: .queueOne
        )
        let metrics = TestMetrics()
        var mutex = DBMutex(store: store, owner: "stopping", heartbeat: nil, logger: recorder.logger())
        mutex.metrics = JobKitMetrics(factory: metrics)
        let scheduler = try Scheduler(jobs: [job], mutex: mutex, clock: clock)
        try await SchedulerTests().withScheduler(scheduler) { _ in
            _ = try await poll(timeout: .seconds(60), "the tick waiting in the queue") {
                store.locks().contains { $0.lockID == job.queueLockID && $0.status == .held } ? true : nil
            }
        }
        #expect(log.count == 0)
        #expect(recorder.events(.jobFailed).isEmpty, "\(recorder.events(.jobFailed))")
        let skipped = recorder.events(.jobSkipped)
        #expect(skipped.count == 1 && skipped.first?["reason"] == "stopping", "\(skipped)")
        #expect(skipped.first?["tick"] == tick0.jobKitTimestamp)
        #expect(metrics.counterTotal(label: "jobkit_skips_total", dimensions: [("job", job.name), ("reason", "stopping")]) == 1)
    }
}
