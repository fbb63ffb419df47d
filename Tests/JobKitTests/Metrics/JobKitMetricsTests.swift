import CoreMetrics
import Foundation
@testable import JobKit
import Logging
import MetricsTestKit
import Testing

/// The metrics a job run and the scheduler record, read through swift-metrics' `TestMetrics`.
/// Each test gives its mutex a `JobKitMetrics` on a `TestMetrics` of its own, so nothing
/// bootstraps the process-wide `MetricsSystem` (which traps when bootstrapped twice) and the
/// tests run in parallel.
@Suite struct JobKitMetricsTests {
    typealias Support = JobTestSupport

    /// A Postgres-backed mutex (as the job tests use) counting into a fresh `TestMetrics`.
    static func mutex(table: String, recorder: EventRecorder, heartbeat: HeartbeatPolicy? = .default)
        throws -> (DBMutex, PostgresLockStore, TestMetrics)
    {
        var (mutex, store) = try Support.mutex(table: table, recorder: recorder, heartbeat: heartbeat)
        let metrics = TestMetrics()
        mutex.metrics = JobKitMetrics(factory: metrics)
        return (mutex, store, metrics)
    }

    static func job(_ name: String) -> [(String, String)] { [("job", name)] }

    @Test func aSuccessfulRunCountsItsOutcomeDurationAndLateness() async throws {
        let (mutex, _, metrics) = try Self.mutex(table: "metrics_success", recorder: EventRecorder())
        let tick = Date().addingTimeInterval(-0.25)   // the worker starts at least 250 ms late

        let outcome = await ScriptedJob().run(
            using: mutex, tick: tick, lockID: Support.lockID("metrics-success"), jobName: "report"
        )

        guard case .succeeded = outcome else { Issue.record("expected success, got \(outcome)"); return }
        let runs = try metrics.expectCounter("jobkit_runs_total", [("job", "report"), ("outcome", "succeeded")])
        #expect(runs.totalValue == 1)
        #expect(metrics.counters(label: "jobkit_runs_total").count == 1, "no other outcome counted")
        let duration = try metrics.expectTimer("jobkit_run_duration_seconds", Self.job("report"))
        #expect(duration.values.count == 1)
        let lateness = try metrics.expectTimer("jobkit_start_lateness_seconds", Self.job("report"))
        #expect(lateness.values.count == 1)
        #expect((lateness.values.first ?? 0) >= 250_000_000, "tick to worker start, in nanoseconds")
        let running = try metrics.expectMeter("jobkit_running_jobs")
        #expect(running.values == [1, 0], "one worker while it ran, none after")
    }

    @Test func aFailedRunIsCountedAsFailedWithoutLatenessWhenItHasNoTick() async throws {
        let (mutex, _, metrics) = try Self.mutex(table: "metrics_failure", recorder: EventRecorder())

        _ = await ScriptedJob(failure: "no").run(using: mutex, lockID: Support.lockID("metrics-failure"), jobName: "sync")

        #expect(metrics.counterTotal(label: "jobkit_runs_total", dimensions: [("job", "sync"), ("outcome", "failed")]) == 1)
        #expect(metrics.timers(label: "jobkit_start_lateness_seconds").isEmpty)
        #expect(try metrics.expectMeter("jobkit_running_jobs").lastValue == 0)
    }

    @Test func skipsAreCountedByReasonAndAreNotRuns() async throws {
        let (mutex, store, metrics) = try Self.mutex(table: "metrics_skips", recorder: EventRecorder())
        let lockID = Support.lockID("metrics-skips")
        let tick = Date(timeIntervalSince1970: 1_800_000_000)

        _ = await ScriptedJob().run(using: mutex, tick: tick, lockID: lockID, jobName: "nightly")
        _ = await ScriptedJob().run(using: mutex, tick: tick, lockID: lockID, jobName: "nightly")   // already ran
        let other = LockRequest(lockID: lockID, owner: "other:1", ttl: .seconds(60), liveness: nil)
        guard case .acquired = try store.acquire(other) else { Issue.record("the test could not take the lock"); return }
        _ = await ScriptedJob().run(using: mutex, lockID: lockID, jobName: "nightly")   // lock held

        #expect(metrics.counterTotal(label: "jobkit_skips_total", dimensions: [("job", "nightly"), ("reason", "already_ran")]) == 1)
        #expect(metrics.counterTotal(label: "jobkit_skips_total", dimensions: [("job", "nightly"), ("reason", "lock_held")]) == 1)
        #expect(metrics.counterTotal(label: "jobkit_runs_total") == 1, "only the first fire ran")
    }

    @Test func aLockTakenOverCountsOneOverlapAndALostRun() async throws {
        let recorder = EventRecorder()
        let (mutex, store, metrics) = try Self.mutex(
            table: "metrics_lost", recorder: recorder,
            heartbeat: HeartbeatPolicy(interval: .milliseconds(100), window: .seconds(5))
        )
        let lockID = Support.lockID("metrics-lost")
        let job = ScriptedJob(gate: Gate(), cancels: true)

        async let running = job.run(using: mutex, ttl: .seconds(60), lockID: lockID, jobName: "taken")
        _ = try await recorder.waitFor(.jobStarted)
        let thief = LockRequest(lockID: lockID, owner: "thief:7", ttl: .seconds(60), liveness: nil)
        guard case .acquired = try store.acquire(thief, now: Date().addingTimeInterval(3600)) else {
            Issue.record("the takeover was refused")
            return
        }
        _ = await running

        // Both lock.lost and job.overran (overlapped) were reported: one overlap, not two.
        #expect(recorder.first(.lockLost) != nil && recorder.first(.jobOverran)?["overlapped"] == "true")
        #expect(metrics.counterTotal(label: "jobkit_overlaps_total", dimensions: Self.job("taken")) == 1)
        #expect(metrics.counterTotal(label: "jobkit_runs_total", dimensions: [("job", "taken"), ("outcome", "lost")]) == 1)
    }

    @Test func theMutexWithoutAJobCountsAcquisitionsAndOverlapsWithoutLockIDs() async throws {
        let recorder = EventRecorder()
        let (mutex, store, metrics) = try Self.mutex(
            table: "metrics_mutex", recorder: recorder,
            heartbeat: HeartbeatPolicy(interval: .milliseconds(100), window: .seconds(5))
        )
        let free = Support.lockID("metrics-mutex-free")
        let held = Support.lockID("metrics-mutex-held")

        try await mutex.withLock(free) { await Task.yield() }   // the async form
        try Self.blockingSection(mutex, free)   // the blocking form counts too
        let other = LockRequest(lockID: held, owner: "other:1", ttl: .seconds(60), liveness: nil)
        guard case .acquired = try store.acquire(other) else { Issue.record("the test could not take the lock"); return }
        await #expect(throws: DBMutexError.self) { try await mutex.withLock(held) { await Task.yield() } }
        // A section whose lock is taken over while it runs: one overlap.
        let taken = Support.lockID("metrics-mutex-taken")
        await #expect(throws: DBMutexTimeoutError.self) {
            try await mutex.withLock(taken) {
                let thief = LockRequest(lockID: taken, owner: "thief:7", ttl: .seconds(60), liveness: nil)
                _ = try store.acquire(thief, now: Date().addingTimeInterval(3600))
                _ = try await recorder.waitFor(.lockLost)
            }
        }

        #expect(metrics.counterTotal(label: "jobkit_mutex_acquisitions_total", dimensions: [("outcome", "acquired")]) == 3)
        #expect(metrics.counterTotal(label: "jobkit_mutex_acquisitions_total", dimensions: [("outcome", "held")]) == 1)
        #expect(metrics.counterTotal(label: "jobkit_mutex_overlaps_total") == 1)
        let labels = metrics.counters.flatMap(\.dimensions).map(\.1)
        #expect(!labels.contains { $0.contains("metrics-mutex") }, "no lock id is a label value")
        #expect(metrics.counters(label: "jobkit_runs_total").isEmpty, "sections are not job runs")
    }

    /// The blocking `withLock`, from a synchronous context as its callers use it.
    private static func blockingSection(_ mutex: DBMutex, _ lockID: String) throws {
        try mutex.withLock(lockID) {}
    }

    @Test func metricsAreMadeOnceAndReused() throws {
        let factory = TestMetrics()
        let metrics = JobKitMetrics(factory: factory)
        for _ in 0..<3 { metrics.runEnded(job: "a", outcome: "succeeded") }
        metrics.runEnded(job: "b", outcome: "succeeded")
        let counters = factory.counters(label: "jobkit_runs_total")
        #expect(counters.count == 2, "one counter per label set")
        #expect(try factory.expectCounter("jobkit_runs_total", [("job", "a"), ("outcome", "succeeded")]).values == [1, 1, 1])
    }

    static let allMetrics: [JobMetric] = [
        .runs, .skips, .overlaps, .missedTicks, .misfires, .runDuration, .startLateness, .runningJobs, .storeUp,
        .mutexAcquisitions, .mutexOverlaps,
    ]

    @Test func namesFollowPrometheusConventions() {
        #expect(Self.allMetrics.map(\.rawValue) == [
            "jobkit_runs_total", "jobkit_skips_total", "jobkit_overlaps_total", "jobkit_missed_ticks_total",
            "jobkit_misfires_total", "jobkit_run_duration_seconds", "jobkit_start_lateness_seconds",
            "jobkit_running_jobs", "jobkit_store_up", "jobkit_mutex_acquisitions_total", "jobkit_mutex_overlaps_total",
        ])
    }

    /// The README's metric reference lists every metric, each on its own table row.
    @Test func theReadmeDocumentsEveryMetric() throws {
        let readme = try String(contentsOfFile: TestDatabase.packageRoot + "/README.md", encoding: .utf8)
        for metric in Self.allMetrics {
            #expect(readme.contains("| `\(metric.rawValue)` |"), "README's metric table lacks \(metric)")
        }
    }
}
