import Foundation
@_spi(Testing) import JobKit
import Testing

extension Jobs {
    /// `NonOverlappingJob.run(using:)` leaves one ledger row per run, with the outcome its
    /// events report, on the real PostgreSQL server.
    @Suite struct JobLedgerTests {
        typealias Support = JobTestSupport

        @Test func eachRunLeavesOneRowWithTheOutcomeOfItsEvents() async throws {
            let recorder = EventRecorder()
            let (mutex, store) = try Support.mutex(table: "jobs_ledger", recorder: recorder)
            let lockID = Support.lockID("ledger")
            let tick = Date(timeIntervalSince1970: 1_800_000_000)

            _ = await ScriptedJob().run(using: mutex, tick: tick, lockID: lockID, jobName: "ledgered")
            _ = await ScriptedJob(failure: "no such table").run(using: mutex, tick: tick + 60, lockID: lockID, jobName: "ledgered")
            _ = await ScriptedJob().run(using: mutex, tick: tick + 60, lockID: lockID, jobName: "ledgered")   // already ran

            let runs = try store.runs(of: "ledgered", limit: 10)
            #expect(runs.map(\.outcome) == [.failed, .succeeded], "a skipped tick leaves no row")
            #expect(runs.map(\.tick) == [tick + 60, tick])
            #expect(runs.allSatisfy { $0.owner == mutex.owner && $0.lockID == lockID && $0.jobType == "JobKitTests.ScriptedJob" })
            #expect(runs.first?.error?.contains("no such table") == true)
            let started = recorder.events(.jobStarted).compactMap { $0.integer("token") }
            #expect(Set(runs.map(\.token)) == Set(started), "the rows are the runs job.started reported")
        }
    }
}
