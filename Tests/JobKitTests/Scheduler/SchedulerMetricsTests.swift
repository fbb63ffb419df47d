import Foundation
@testable import JobKit
import MetricsTestKit
import Testing

/// The scheduler's own metrics: misfires, local skips, store up/down, and the health it
/// reports to probes.
extension SchedulerTests {
    func mutex(_ store: any LockStore, _ recorder: EventRecorder, _ metrics: TestMetrics) -> DBMutex {
        var mutex = mutex(store, recorder)
        mutex.metrics = JobKitMetrics(factory: metrics)
        return mutex
    }

    @Test func alertCountersReadZeroForEveryJobBeforeAnythingHappens() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let metrics = TestMetrics()
        let scheduler = try Scheduler(
            jobs: ["a", "b"].map { ScheduledJob(name: $0, schedule: .every(.seconds(10)), job: CountingJob(log: TickLog())) },
            mutex: mutex(InMemoryLockStore(), EventRecorder(), metrics), clock: clock
        )
        #expect(scheduler.health.phase == .notStarted)
        try await withScheduler(scheduler) { _ in
            try await clock.waitForSleepers(2)
            #expect(scheduler.health.phase == .running)
            #expect(scheduler.health.storeError == nil && scheduler.health.storeAnswerAge != nil)
            for name in ["jobkit_overlaps_total", "jobkit_missed_ticks_total", "jobkit_misfires_total"] {
                for job in ["a", "b"] {
                    #expect(try metrics.expectCounter(name, [("job", job)]).values == [], "\(name) for \(job) exists at 0")
                }
            }
            #expect(try metrics.expectMeter("jobkit_store_up").lastValue == 1)
        }
        #expect(scheduler.health.phase == .stopped)
    }

    @Test func misfiresAndLocalSkipsAreCounted() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let metrics = TestMetrics()
        let gate = Gate()
        let log = TickLog()
        let recorder = EventRecorder()
        let scheduler = try Scheduler(
            jobs: [
                ScheduledJob(name: "late", schedule: .every(.seconds(10)), grace: .seconds(3), job: CountingJob(log: TickLog())),
                ScheduledJob(name: "slow", schedule: .every(.seconds(10)), job: GatedJob(log: log, gate: gate)),
            ],
            mutex: mutex(InMemoryLockStore(), recorder, metrics), clock: clock
        )
        try await withScheduler(scheduler) { _ in
            try await clock.waitForSleepers(2)
            clock.advance(to: Date(timeIntervalSince1970: 1_800_000_010))
            _ = try await poll(timeout: .seconds(60), "the slow run to start") { log.count == 1 ? true : nil }
            try await clock.waitForSleepers(2)
            clock.advance(to: Date(timeIntervalSince1970: 1_800_000_020))   // "slow" still runs tick 10
            _ = try await poll(timeout: .seconds(60), "the still_running skip") {
                metrics.counterTotal(label: "jobkit_skips_total", dimensions: [("job", "slow"), ("reason", "still_running")]) == 1
                    ? true : nil
            }
            try await clock.waitForSleepers(2)
            clock.advance(to: Date(timeIntervalSince1970: 1_800_000_045))   // "late" misses 30 and 40 by more than 3 s
            let misfire = try await poll(timeout: .seconds(60), "late's misfire") {
                recorder.events(.jobMisfired).first { $0["job"] == "late" }
            }
            let missed = try #require(misfire.integer("missed"))
            #expect(missed == 2)
            #expect(metrics.counterTotal(label: "jobkit_misfires_total", dimensions: [("job", "late")]) == Int64(missed))
            gate.open()
            _ = try await poll(timeout: .seconds(60), "the slow run to end") { scheduler.activeRuns == 0 ? true : nil }
        }
    }

    @Test func storeUpFollowsOutagesAndHealthNamesTheError() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let metrics = TestMetrics()
        let store = SwitchableStore()
        store.setDown(true)
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "outage", schedule: .every(.seconds(10)), job: CountingJob(log: TickLog()))],
            mutex: mutex(store, EventRecorder(), metrics), clock: clock
        )
        try await withScheduler(scheduler) { _ in
            _ = try await poll(timeout: .seconds(60), "the outage to be seen") { scheduler.health.storeError }
            #expect(scheduler.health.phase == .starting, "the loop is alive while it retries")
            #expect(try metrics.expectMeter("jobkit_store_up").lastValue == 0)
            #expect(await scheduler.checkStore().storeError != nil, "a check during the outage fails")
            store.setDown(false)
            let health = await scheduler.checkStore()
            #expect(health.storeError == nil)
            #expect((health.storeAnswerAge ?? .seconds(99)) < .seconds(5))
            #expect(try metrics.expectMeter("jobkit_store_up").lastValue == 1)
        }
    }
}

extension SchedulerMissedTests {
    /// `jobkit_missed_ticks_total` grows by the `missed` of each `job.missed`.
    @Test func missedTicksAreCountedAsTheEventReportsThem() async throws {
        let store = try store(lastRan: Self.tick0 - 30, lockID: "counted")
        let clock = ManualSchedulerClock(Self.tick0 + 2)
        let log = TickLog()
        let recorder = EventRecorder()
        let metrics = TestMetrics()
        var mutex = DBMutex(store: store, owner: "restarted", heartbeat: nil, logger: recorder.logger())
        mutex.metrics = JobKitMetrics(factory: metrics)
        let job = ScheduledJob(name: "counted", schedule: .every(.seconds(10)), grace: .seconds(5), job: CountingJob(log: log))
        try await Base().withScheduler(try Scheduler(jobs: [job], mutex: mutex, clock: clock)) { _ in
            _ = try await poll(timeout: .seconds(60), "the catch-up run") { log.count >= 1 ? true : nil }
            try await clock.waitForSleepers(1)
        }
        let missed = try #require(recorder.events(.jobMissed).first?.integer("missed"))
        #expect(missed == 2)
        #expect(metrics.counterTotal(label: "jobkit_missed_ticks_total", dimensions: [("job", "counted")]) == missed)
    }
}

extension SchedulerTests {
    /// A tick skipped as paused is counted with its `job.skipped` reason.
    @Test func aPausedTickIsCountedAsASkipWithReasonPaused() async throws {
        let store = InMemoryLockStore()
        _ = try await store.pause("held-back", reason: "INC-3", by: "ops")
        let clock = ManualSchedulerClock(Self.start)
        let metrics = TestMetrics()
        let log = TickLog()
        let recorder = EventRecorder()
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "held-back", schedule: .every(.seconds(10)), catchUp: .none, job: CountingJob(log: log))],
            mutex: mutex(store, recorder, metrics), clock: clock
        )
        try await withScheduler(scheduler) { _ in
            let next = try await clock.waitForSleepers(1)
            clock.advance(to: next)
            _ = try await recorder.waitFor(.jobSkipped, timeout: .seconds(60))
        }
        #expect(log.count == 0)
        #expect(recorder.events(.jobSkipped).first?["reason"] == "paused")
        #expect(metrics.counterTotal(label: "jobkit_skips_total", dimensions: [("job", "held-back"), ("reason", "paused")]) == 1)
    }
}
