import Foundation
@testable import JobKit
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// Store errors no retry can fix, told apart from outages; and a scheduler started during an
/// outage retrying as often as its jobs fire.
@Suite struct SchedulerStoreErrorTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000.3)

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

    @Test(arguments: [
        ("28P01", "authentication failed"),
        ("28000", "authentication failed"),
        ("3D000", "the database does not exist"),
        ("42501", "permission denied"),
        ("42P01", "the lock table or its functions are missing; run jobkit migrate"),
        ("3F000", "the lock table or its functions are missing; run jobkit migrate"),
    ])
    func serverErrorsNoRetryCanFixArePermanentWithTheirCause(sqlState: String, cause: String) {
        let error = PostgresError(code: .server, context: "acquiring", target: "postgres://u@h/db", sqlState: sqlState, message: "m")
        #expect(error.isPermanent)
        #expect(error.permanentCause == cause)
    }

    @Test(arguments: [
        ("SSL error: certificate verify failed", true),
        ("server certificate for \"db\" does not match host name \"10.0.0.1\"", true),
        ("could not connect to server: Connection refused", false),
        ("timeout expired", false),
    ])
    func connectionFailuresArePermanentOnlyForTLSVerification(message: String, permanent: Bool) {
        let error = PostgresError(code: .connectionFailed, context: "connecting", target: "postgres://u@h/db", message: message)
        #expect(error.isPermanent == permanent)
        #expect(error.permanentCause == (permanent ? "TLS verification failed" : nil))
        #expect(!PostgresError(code: .server, context: "x", target: "t", sqlState: "40001", message: "m").isPermanent)
        #expect(!PostgresError(code: .connectionLost, context: "x", target: "t", sqlState: "57P01", message: "m").isPermanent)
    }

    /// The lock table renamed away mid-run: `store.unavailable` with `permanent: true` and
    /// the cause; the scheduler keeps trying, and runs again once the table is back.
    @Test func aPermanentErrorDuringARunIsReportedAsSuchAndStillRetried() async throws {
        let url = try TestDatabase.url
        let store = try TestDatabase.store(table: "permanentMidRun")
        try await store.migrate()
        let table = store.table.name
        let clock = ManualSchedulerClock(Self.start)
        let log = TickLog()
        let recorder = EventRecorder()
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "mid-run", schedule: .every(.seconds(1)), job: CountingJob(log: log))],
            mutex: DBMutex(store: store, owner: "permanent-test", heartbeat: nil, logger: recorder.logger()), clock: clock
        )
        try await withScheduler(scheduler) { _ in
            clock.advance(to: try await clock.waitForSleepers(1))
            _ = try await poll(timeout: .seconds(60), "the first run") { log.count >= 1 && scheduler.activeRuns == 0 ? true : nil }

            try PostgresTestSQL.run(url, "ALTER TABLE \(table) RENAME TO \(table)_away")
            clock.advance(to: try await clock.waitForSleepers(1))
            let outage = try await recorder.waitFor(.storeUnavailable, timeout: .seconds(60))
            #expect(outage["permanent"] == "true", "\(outage)")
            #expect(outage["cause"] == "the lock table or its functions are missing; run jobkit migrate", "\(outage)")
            #expect(outage["error"]?.contains("42P01") == true, "\(outage)")
            _ = try await poll(timeout: .seconds(60), "the failed fire to end") { scheduler.activeRuns == 0 ? true : nil }

            try PostgresTestSQL.run(url, "ALTER TABLE \(table)_away RENAME TO \(table)")
            clock.advance(to: try await clock.waitForSleepers(1))
            _ = try await recorder.waitFor(.storeRecovered, timeout: .seconds(60))
            _ = try await poll(timeout: .seconds(60), "a run after the repair") { log.count >= 2 ? true : nil }
        }
        #expect(recorder.events(.storeUnavailable).count == 1)
        #expect(recorder.events(.configInvalid).isEmpty, "a permanent error during a run does not stop the scheduler")
    }

    /// Started while the store is down, the scheduler retries at least once per interval of
    /// its most frequent job (1 s), not on a backoff growing to 30 s; so it resumes as soon
    /// as running schedulers do.
    @Test func aSchedulerStartedDuringAnOutageRetriesAsOftenAsItsJobsFire() async throws {
        let store = SwitchableStore()
        store.setDown(true)
        let clock = ManualSchedulerClock(Self.start)
        let log = TickLog()
        let recorder = EventRecorder()
        let scheduler = try Scheduler(
            jobs: [
                ScheduledJob(name: "hourly", schedule: .every(.seconds(3600)), job: CountingJob(log: log)),
                ScheduledJob(name: "fast", schedule: .every(.seconds(1)), job: CountingJob(log: log)),
            ],
            mutex: DBMutex(store: store, owner: "outage-start", heartbeat: nil, logger: recorder.logger()), clock: clock
        )
        try await withScheduler(scheduler) { _ in
            var waits: [TimeInterval] = []
            for _ in 0..<8 {
                let deadline = try await clock.waitForSleepers(1)
                waits.append(deadline.timeIntervalSince(clock.now()))
                clock.advance(to: deadline)
            }
            #expect(waits.allSatisfy { $0 <= 1.0 + 1e-6 }, "waits between retries: \(waits)")
            #expect(waits.first == 0.5)
            #expect(recorder.events(.storeUnavailable).count == 1)
            store.setDown(false)
            clock.advance(to: try await clock.waitForSleepers(1))
            _ = try await recorder.waitFor(.storeRecovered, timeout: .seconds(60))
        }
    }

    /// A fire blocked in the store (a connect timeout) runs nothing, so the tick that comes
    /// meanwhile is not `still_running`; a fire whose job holds its lock is.
    @Test func stillRunningOnlyWhenTheJobRunsNotWhileItsFireWaitsForTheStore() async throws {
        let store = StallingStore()
        let clock = ManualSchedulerClock(Self.start)
        let log = TickLog()
        let gate = Gate()
        let recorder = EventRecorder()
        let scheduler = try Scheduler(
            jobs: [ScheduledJob(name: "waits", schedule: .every(.seconds(1)), job: GatedJob(log: log, gate: gate))],
            mutex: DBMutex(store: store, owner: "stalled", heartbeat: nil, logger: recorder.logger()), clock: clock
        )
        try await withScheduler(scheduler) { _ in
            // Whatever fails below, the stalled fire and the job must be let go, or stopping
            // the scheduler would wait for them for ever.
            defer {
                store.resume()
                gate.open()
            }
            store.stall()
            clock.advance(to: try await clock.waitForSleepers(1))
            _ = try await poll(timeout: .seconds(60), "the fire to hang in the store") { store.waitingCount == 1 ? true : nil }
            clock.advance(to: try await clock.waitForSleepers(1))
            try await clock.waitForSleepers(1)
            #expect(recorder.events(.jobSkipped).isEmpty, "nothing runs: \(recorder.events(.jobSkipped))")

            store.resume()
            _ = try await poll(timeout: .seconds(60), "the job to start") { log.count == 1 ? true : nil }
            clock.advance(to: try await clock.waitForSleepers(1))
            let skip = try await recorder.waitFor(.jobSkipped, timeout: .seconds(60))
            #expect(skip["reason"] == "still_running")
            gate.open()
        }
    }
}
