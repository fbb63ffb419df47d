import Foundation
import JobKit
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// Sleeps that a wake signal ends: on the Dispatch clock (its timer cancelled, no task), on a
/// clock of the caller's (the default implementation), and the scheduler's graceful shutdown
/// through one signal for all its jobs.
@Suite struct WakeSignalTests {
    /// Runs `sleep` in a child task and returns how it ended; fails after 30 s.
    func outcome(_ sleep: @escaping @Sendable () async throws -> Void, raising signal: WakeSignal) async throws -> String {
        try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await sleep()
                    return "woke at its deadline"
                } catch is CancellationError {
                    return "cancelled"
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return nil
            }
            signal.raise()
            defer { group.cancelAll() }
            return try #require(try await group.next() ?? nil, "the sleep did not end within 60 s")
        }
    }

    @Test func theDispatchClockEndsAnHourLongSleepWhenTheSignalIsRaised() async throws {
        let signal = WakeSignal()
        let clock = DispatchWallClock()
        let ended = try await outcome({ try await clock.sleep(until: Date() + 3600, wakingOn: signal) }, raising: signal)
        #expect(ended == "cancelled")
    }

    @Test func cancellingTheTaskEndsAnHourLongSleepOnTheDispatchClock() async throws {
        let sleeper = Task { try await DispatchWallClock().sleep(until: Date() + 3600) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func aSleepStartedAfterTheRaiseEndsAtOnce() async throws {
        let signal = WakeSignal()
        signal.raise()
        #expect(signal.isRaised)
        await #expect(throws: CancellationError.self) {
            try await DispatchWallClock().sleep(until: Date() + 3600, wakingOn: signal)
        }
        await #expect(throws: CancellationError.self) {
            try await ManualSchedulerClock(Date()).sleep(until: Date() + 3600, wakingOn: signal)
        }
    }

    @Test func aSleepWhoseSignalIsNotRaisedEndsAtItsDeadline() async throws {
        let signal = WakeSignal()
        let deadline = Date() + 0.02
        try await DispatchWallClock().sleep(until: deadline, wakingOn: signal)
        #expect(Date() >= deadline)
        #expect(!signal.isRaised)
    }

    @Test func aClockOfTheCallersOwnIsWokenByTheDefaultImplementation() async throws {
        let signal = WakeSignal()
        let clock = ManualSchedulerClock(Date(timeIntervalSince1970: 1_800_000_000))
        let ended = try await outcome(
            { try await clock.sleep(until: Date(timeIntervalSince1970: 1_800_003_600), wakingOn: signal) },
            raising: signal
        )
        #expect(ended == "cancelled")
    }

    @Test func aSchedulerOnTheDispatchClockStopsAllItsSleepingJobsOnAGracefulShutdown() async throws {
        let recorder = EventRecorder()
        let mutex = DBMutex(store: InMemoryLockStore(), owner: "wake-signal", heartbeat: nil, logger: recorder.logger())
        let log = TickLog()
        let yearly = Schedule.cron(try CronExpression("0 0 1 1 *"), TimeZone(identifier: "UTC")!)
        let jobs = (0..<500).map {
            ScheduledJob(name: "wake-signal-\($0)", schedule: yearly, job: CountingJob(log: log))
        }
        let scheduler = try Scheduler(jobs: jobs, mutex: mutex)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                _ = try await recorder.waitFor(.schedulerStarted, timeout: .seconds(60))
                trigger.triggerGracefulShutdown()
                _ = try await recorder.waitFor(.schedulerStopped, timeout: .seconds(60))
                try await group.waitForAll()
            }
        }
        #expect(log.count == 0, "no job's yearly tick came")
    }
}
