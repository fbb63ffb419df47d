import Foundation
@testable import JobKit
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// The scheduler on an injected clock: every test steps time by hand, so none sleeps in real
/// time or depends on the machine's speed.
@Suite struct SchedulerTests {
    /// 2027-01-15T08:00:00.300Z: deliberately off the grid.
    static let start = Date(timeIntervalSince1970: 1_800_000_000.3)
    static let base: Int64 = 1_800_000_000_000

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Runs `scheduler` while `body` steps the clock, then shuts it down gracefully.
    func withScheduler(
        _ scheduler: Scheduler, _ body: @Sendable (GracefulShutdownTestTrigger) async throws -> Void
    ) async throws {
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                try await body(trigger)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    func mutex(_ store: any LockStore, _ recorder: EventRecorder) -> DBMutex {
        DBMutex(store: store, owner: "scheduler-test", heartbeat: nil, logger: recorder.logger())
    }

    @Test func ticksSitOnTheEpochGridWithoutDriftOverTenThousandTicks() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = TickLog()
        let recorder = EventRecorder()
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "grid", schedule: .every(.seconds(1)), catchUp: .none, job: CountingJob(log: log))],
            mutex: mutex(InMemoryLockStore(), recorder), clock: clock
        )
        try await withScheduler(scheduler) { _ in
            for k in 1...10_000 {
                let deadline = try await clock.waitForSleepers(1)
                clock.advance(to: deadline)
                _ = try await poll(timeout: .seconds(60), "run \(k) to finish") {
                    log.count >= k && scheduler.activeRuns == 0 ? true : nil
                }
            }
        }
        let expected = (1...10_000).map { Self.base + Int64($0) * 1000 }
        #expect(log.all.map(Self.ms) == expected, "each run's tick is k seconds after the epoch-aligned start")
        #expect(clock.requestedDeadlines.prefix(10_000).map(Self.ms) == expected, "timers are set on the grid")
        #expect(recorder.events(.jobSkipped).isEmpty)
        #expect(recorder.events(.jobMisfired).isEmpty)
        #expect(recorder.events(.jobSucceeded).count == 10_000)
    }

    @Test func missedTicksWithinGraceAreCoalescedIntoOneRunOfTheLatest() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = TickLog()
        let recorder = EventRecorder()
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "coalesce", schedule: .every(.seconds(10)), grace: .seconds(30), catchUp: .none, job: CountingJob(log: log))],
            mutex: mutex(InMemoryLockStore(), recorder), clock: clock
        )
        try await withScheduler(scheduler) { _ in
            try await clock.waitForSleepers(1)
            // The process "was paused": the clock jumps over the ticks at +10, +20 and +30.
            clock.advance(to: Date(timeIntervalSince1970: 1_800_000_035))
            _ = try await poll(timeout: .seconds(60), "the coalesced run") { log.count >= 1 && scheduler.activeRuns == 0 ? true : nil }
            try await clock.waitForSleepers(1)
        }
        #expect(log.all.map(Self.ms) == [Self.base + 30_000], "one run, for the latest due tick")
        #expect(recorder.events(.jobMisfired).isEmpty)
    }

    @Test func aTickMissedBeyondGraceIsReportedAsMisfiredAndNotRun() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = TickLog()
        let recorder = EventRecorder()
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "misfire", schedule: .every(.seconds(10)), grace: .seconds(3), catchUp: .none, job: CountingJob(log: log))],
            mutex: mutex(InMemoryLockStore(), recorder), clock: clock
        )
        try await withScheduler(scheduler) { _ in
            try await clock.waitForSleepers(1)
            clock.advance(to: Date(timeIntervalSince1970: 1_800_000_015))   // tick +10 is 5 s late
            let misfired = try await recorder.waitFor(.jobMisfired, timeout: .seconds(60))
            #expect(misfired["job"] == "misfire")
            #expect(misfired["tick"] == Date(timeIntervalSince1970: 1_800_000_010).jobKitTimestamp)
            #expect(misfired.integer("missed") == 1)
            #expect(misfired.level == .warning)
            // The next tick runs normally.
            let next = try await clock.waitForSleepers(1)
            #expect(Self.ms(next) == Self.base + 20_000)
            clock.advance(to: next)
            _ = try await poll(timeout: .seconds(60), "the next run") { log.count >= 1 && scheduler.activeRuns == 0 ? true : nil }
        }
        #expect(log.all.map(Self.ms) == [Self.base + 20_000])
    }

    @Test func aJobStillRunningHereIsSkippedWithoutAskingTheStore() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = TickLog()
        let gate = Gate()
        let recorder = EventRecorder()
        let store = SwitchableStore()
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "slow", schedule: .every(.seconds(1)), catchUp: .none, job: GatedJob(log: log, gate: gate))],
            mutex: mutex(store, recorder), clock: clock
        )
        try await withScheduler(scheduler) { _ in
            clock.advance(to: try await clock.waitForSleepers(1))
            _ = try await poll(timeout: .seconds(60), "the first run to start") { log.count == 1 ? true : nil }
            let callsBefore = store.callCount
            clock.advance(to: try await clock.waitForSleepers(1))
            let skipped = try await recorder.waitFor(.jobSkipped, timeout: .seconds(60))
            #expect(skipped["reason"] == "still_running")
            #expect(skipped["tick"] == Date(timeIntervalSince1970: 1_800_000_002).jobKitTimestamp)
            #expect(store.callCount == callsBefore, "no database call for a local skip")
            gate.open()
            _ = try await poll(timeout: .seconds(60), "the first run to end") { scheduler.activeRuns == 0 ? true : nil }
        }
        #expect(log.all.map(Self.ms) == [Self.base + 1000])
    }

    @Test func anUnreachableStoreFailsClosedAndIsReportedOncePerOutage() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = TickLog()
        let recorder = EventRecorder()
        let store = SwitchableStore()
        store.setDown(true)
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "outage", schedule: .every(.seconds(10)), catchUp: .none, job: CountingJob(log: log))],
            mutex: mutex(store, recorder), clock: clock
        )
        /// Moves the clock to the next timer and waits until the scheduler is asleep again with
        /// nothing running: one deterministic step, however slow the machine.
        @Sendable func step() async throws {
            clock.advance(to: try await clock.waitForSleepers(1))
            try await clock.waitForSleepers(1)
            _ = try await poll(timeout: .seconds(60), "the step's fire to end") { scheduler.activeRuns == 0 ? true : nil }
        }
        try await withScheduler(scheduler) { _ in
            // Down at start: the scheduler stays up and retries with backoff.
            let unavailable = try await recorder.waitFor(.storeUnavailable, timeout: .seconds(60))
            #expect(unavailable.level == .error)
            for _ in 0..<3 { try await step() }
            #expect(recorder.events(.storeUnavailable).count == 1, "once per outage")
            store.setDown(false)
            try await step()
            #expect(recorder.events(.storeRecovered).count == 1)

            // Up: a tick runs.
            try await step()
            #expect(log.count == 1)

            // Down mid-run: ticks are skipped (never run without the lock), one event.
            store.setDown(true)
            for _ in 0..<3 { try await step() }
            #expect(log.count == 1, "no job ran without its lock")
            #expect(recorder.events(.storeUnavailable).count == 2, "one more for the second outage")

            store.setDown(false)
            try await step()
            #expect(log.count == 2, "runs resume on the next tick")
            #expect(recorder.events(.storeRecovered).count == 2)
        }
    }

    @Test func shutdownLetsARunningJobFinishWithinTheGrace() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = TickLog()
        let gate = Gate()
        let recorder = EventRecorder()
        let store = InMemoryLockStore()
        var configuration = Scheduler.Configuration()
        configuration.shutdownGrace = .seconds(5)
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "finishing", schedule: .every(.seconds(1)), catchUp: .none, job: GatedJob(log: log, gate: gate))],
            mutex: mutex(store, recorder), clock: clock, configuration: configuration
        )
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                clock.advance(to: try await clock.waitForSleepers(1))
                _ = try await poll(timeout: .seconds(60), "the run to start") { log.count == 1 ? true : nil }
                trigger.triggerGracefulShutdown()
                let stopping = try await recorder.waitFor(.schedulerStopping, timeout: .seconds(60))
                #expect(stopping.integer("running") == 1)
                try await clock.waitForSleepers(1)   // the grace timer
                gate.open()
                try await group.waitForAll()
            }
        }
        #expect(recorder.events(.jobSucceeded).count == 1)
        #expect(recorder.first(.schedulerStopped) != nil)
        #expect(try await store.locks().allSatisfy { $0.status == .released }, "its lock is released")
        let names = recorder.records.compactMap(\.event?.rawValue)
        #expect(names.firstIndex(of: "scheduler.stopping")! < names.firstIndex(of: "job.succeeded")!)
        #expect(names.last == "scheduler.stopped")
    }

    @Test func shutdownCancelsAJobThatOutlivesTheGraceAndReleasesItsLock() async throws {
        let clock = ManualSchedulerClock(Self.start)
        let log = TickLog()
        let recorder = EventRecorder()
        let store = InMemoryLockStore()
        var configuration = Scheduler.Configuration()
        configuration.shutdownGrace = .seconds(5)
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "stuck", schedule: .every(.seconds(1)), catchUp: .none, job: GatedJob(log: log, gate: Gate()))],
            mutex: mutex(store, recorder), clock: clock, configuration: configuration
        )
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                clock.advance(to: try await clock.waitForSleepers(1))
                _ = try await poll(timeout: .seconds(60), "the run to start") { log.count == 1 ? true : nil }
                trigger.triggerGracefulShutdown()
                _ = try await recorder.waitFor(.schedulerStopping, timeout: .seconds(60))
                let graceEnds = try await clock.waitForSleepers(1)
                #expect(Self.ms(graceEnds) == Self.ms(clock.now()) + 5000)
                clock.advance(to: graceEnds)
                try await group.waitForAll()
            }
        }
        let failed = try #require(recorder.first(.jobFailed), "the cancelled run is reported")
        #expect(failed["job"] == "stuck")
        #expect(try await store.locks().allSatisfy { $0.status == .released }, "its lock is released")
        #expect(recorder.records.last?.event == .schedulerStopped)
    }
}
