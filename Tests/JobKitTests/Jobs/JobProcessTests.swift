import Foundation
@_spi(Testing) import JobKit
import Logging
import Testing

extension Jobs {
    /// Job runs against another real OS process (`jobkit-probe acquire`) on the real server.
    @Suite struct JobProcessTests {
        typealias Support = JobTestSupport

        @Test func aTakeoverByAnotherProcessAfterTheTTLIsReportedAsAnOverlap() async throws {
            let recorder = EventRecorder()
            // Beats far apart: the takeover must be found by the release, not by a heartbeat.
            let (mutex, store) = try Support.mutex(
                table: "jobs_takeover", recorder: recorder,
                heartbeat: HeartbeatPolicy(interval: .seconds(600), window: .seconds(1200))
            )
            let lockID = Support.lockID("takeover")
            let gate = Gate()
            let job = ScriptedJob(gate: gate)

            async let running = job.run(using: mutex, ttl: .duration(.milliseconds(500)), lockID: lockID, jobName: "slow-report")
            let started = try await recorder.waitFor(.jobStarted)
            let newcomer = try ProbeProcess([
                "acquire", "--database-url", TestDatabase.url, "--table", store.table.description, "--lock", lockID,
                "--ttl-ms", "60000", "--wait-ms", "60000", "--owner", "newcomer",
            ])
            // The probe keeps trying until the server's clock passes the job's TTL.
            let acquired = try await newcomer.waitForLine(timeout: .seconds(60)) { $0["acquired"] != nil }
            #expect(acquired["acquired"] as? Int64 == 1)
            #expect(acquired["recovered_from"] as? String == mutex.owner)
            #expect(acquired["recovered_reason"] as? String == "expired")
            let newToken = try #require(acquired["token"] as? Int64)
            #expect(newToken > (started.integer("token") ?? .max))
            let expired = try await recorder.waitFor(.lockExpired)
            #expect(expired["job"] == "slow-report")
            #expect(recorder.first(.jobOverran) == nil, "the job is still running")

            gate.open()
            let outcome = await running
            newcomer.send("release")
            let released = try await newcomer.waitForLine { $0["outcome"] != nil }
            #expect(released["outcome"] as? String == "released")
            #expect(try await newcomer.waitForExit() == 0)

            guard case .overran(let timeout) = outcome else { Issue.record("expected overran, got \(outcome)"); return }
            #expect(timeout.overlapped)
            #expect(timeout.newHolder?.owner == "newcomer")
            #expect(timeout.newHolder?.token == newToken)
            #expect(outcome.exitCode == 3)
            let overran = try #require(recorder.first(.jobOverran))
            #expect(overran.level == .error)
            #expect(
                Support.fieldNames(overran)
                    == ["job", "job_type", "lock_id", "token", "ttl_s", "overlapped", "reason", "expired_at", "duration_ms",
                        "holder", "holder_token", "holder_released", "since", "until"]
            )
            #expect(overran["reason"] == "taken_over")
            #expect(overran["holder_released"] == "false")
            #expect(overran["job"] == "slow-report")
            #expect(overran["overlapped"] == "true")
            #expect(overran["holder"] == "newcomer")
            #expect(overran.integer("holder_token") == newToken)
            #expect(overran["ttl_s"] == "0.5")
            #expect(recorder.records.compactMap(\.event) == [.jobStarted, .lockExpired, .jobOverran])
        }

        /// `String(reflecting:)` qualifies a type by its module, so `Acquire.ReportJob` in this
        /// test module and `Acquire.ReportJob` in `jobkit-probe` get different default lock ids,
        /// shown by the two holding their locks at the same time on one table.
        @Test func sameNamedJobTypesInTwoModulesLockDifferentIDs() async throws {
            let recorder = EventRecorder()
            let (mutex, store) = try Support.mutex(table: "jobs_same_name", recorder: recorder)
            let probe = try ProbeProcess([
                "acquire", "--database-url", TestDatabase.url, "--table", store.table.description,
                "--ttl-ms", "60000", "--owner", "probe-module",
            ])
            let acquired = try await probe.waitForLine { $0["acquired"] != nil }
            defer { probe.send("release") }
            #expect(acquired["acquired"] as? Int64 == 1)
            let probeLockID = try #require(acquired["lock_id"] as? String)
            #expect(probeLockID == "jobkit_probe.Acquire.ReportJob")
            #expect(acquired["job_type"] as? String == probeLockID)
            #expect(Acquire.ReportJob.jobTypeName == "JobKitTests.Acquire.ReportJob")

            // Ours runs while the probe's holds: different ids.
            let ours = await Acquire.ReportJob().run(using: mutex)
            guard case .succeeded = ours else { Issue.record("expected success, got \(ours)"); return }
            #expect(recorder.first(.jobStarted)?["lock_id"] == "JobKitTests.Acquire.ReportJob")

            // Control: asked for the probe's id, ours is refused, so the probe really holds it here.
            let control = await Acquire.ReportJob().run(using: mutex, lockID: probeLockID)
            guard case .skipped(let reason) = control, let holder = reason.holder else { Issue.record("expected lock_held, got \(control)"); return }
            #expect(holder.owner == "probe-module")
        }
    }
}
