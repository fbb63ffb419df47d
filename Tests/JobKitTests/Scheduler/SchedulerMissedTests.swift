import Foundation
@testable import JobKit
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// Catch-up at start and `job.missed`, on an injected clock and the memory store: the store
/// says which ticks nobody ran, and the run that claims the next tick reports them once.
@Suite struct SchedulerMissedTests {
    typealias Base = SchedulerTests
    static let tick0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A store where the fleet last ran `lockID` for `tick`.
    func store(lastRan tick: Date, lockID: String) throws -> InMemoryLockStore {
        let store = InMemoryLockStore()
        let request = LockRequest(lockID: lockID, owner: "earlier-fleet", ttl: .seconds(60), liveness: nil, tick: tick)
        let lease = try #require(try store.acquire(request).lease)
        _ = store.release(lease)
        return store
    }

    func scheduler(_ job: ScheduledJob, _ store: InMemoryLockStore, _ clock: ManualSchedulerClock, _ recorder: EventRecorder) throws -> Scheduler {
        try Scheduler(
            jobs: [job], mutex: DBMutex(store: store, owner: "restarted", heartbeat: nil, logger: recorder.logger()), clock: clock
        )
    }

    @Test func atStartTheLatestTickWithinGraceRunsOnceAndTheOlderOnesAreMissed() async throws {
        // The fleet ran tick0 − 30 s, then was down over tick0 − 20, − 10 and tick0.
        let store = try store(lastRan: Self.tick0 - 30, lockID: "deploy")
        let clock = ManualSchedulerClock(Self.tick0 + 2)
        let log = TickLog()
        let recorder = EventRecorder()
        let job = ScheduledJob(name: "deploy", schedule: .every(.seconds(10)), grace: .seconds(5), job: CountingJob(log: log))
        try await Base().withScheduler(try scheduler(job, store, clock, recorder)) { _ in
            _ = try await poll(timeout: .seconds(60), "the catch-up run") { log.count >= 1 ? true : nil }
            try await clock.waitForSleepers(1)
        }
        #expect(log.all == [Self.tick0], "the latest tick, within grace, runs once")
        let missed = recorder.events(.jobMissed)
        #expect(missed.count == 1)
        #expect(missed.first?["tick"] == (Self.tick0 - 10).jobKitTimestamp)
        #expect(missed.first?["first_tick"] == (Self.tick0 - 20).jobKitTimestamp)
        #expect(missed.first?.integer("missed") == 2)
        #expect(missed.first?["job"] == "deploy" && missed.first?["lock_id"] == "deploy")
        #expect(missed.first?.level == .warning)
    }

    @Test func withCatchUpNoneTheNextTickRunsAndEveryTickBeforeItIsMissed() async throws {
        let store = try store(lastRan: Self.tick0 - 30, lockID: "patient")
        let clock = ManualSchedulerClock(Self.tick0 + 2)
        let log = TickLog()
        let recorder = EventRecorder()
        let job = ScheduledJob(
            name: "patient", schedule: .every(.seconds(10)), grace: .seconds(5), catchUp: .none, job: CountingJob(log: log)
        )
        try await Base().withScheduler(try scheduler(job, store, clock, recorder)) { _ in
            let next = try await clock.waitForSleepers(1)
            #expect(next == Self.tick0 + 10)
            clock.advance(to: next)
            _ = try await poll(timeout: .seconds(60), "the next run") { log.count >= 1 ? true : nil }
            try await clock.waitForSleepers(1)
        }
        #expect(log.all == [Self.tick0 + 10])
        let missed = recorder.events(.jobMissed)
        #expect(missed.count == 1)
        #expect(missed.first?.integer("missed") == 3)
        #expect(missed.first?["first_tick"] == (Self.tick0 - 20).jobKitTimestamp)
        #expect(missed.first?["tick"] == Self.tick0.jobKitTimestamp)
    }

    @Test func aCaughtUpTickThatRanElsewhereIsAlreadyRanAndNothingIsMissed() async throws {
        let store = try store(lastRan: Self.tick0, lockID: "ran")
        let clock = ManualSchedulerClock(Self.tick0 + 2)
        let log = TickLog()
        let recorder = EventRecorder()
        let job = ScheduledJob(name: "ran", schedule: .every(.seconds(10)), grace: .seconds(5), job: CountingJob(log: log))
        try await Base().withScheduler(try scheduler(job, store, clock, recorder)) { _ in
            _ = try await recorder.waitFor(.jobSkipped, timeout: .seconds(60))
            let next = try await clock.waitForSleepers(1)
            clock.advance(to: next)
            _ = try await poll(timeout: .seconds(60), "the next run") { log.count >= 1 ? true : nil }
            try await clock.waitForSleepers(1)
        }
        #expect(recorder.events(.jobSkipped).first?["reason"] == "already_ran")
        #expect(log.all == [Self.tick0 + 10])
        #expect(recorder.events(.jobMissed).isEmpty, "consecutive ticks leave no gap")
    }
}
