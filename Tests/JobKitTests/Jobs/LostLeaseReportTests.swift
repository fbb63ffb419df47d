import Foundation
@_spi(Testing) import JobKit
import Logging
import Testing

extension Jobs {
    /// What a job reports when its lease does not hold to the end, or its release fails: every
    /// `lock.lost` names what happened, a lost lease is never `job.succeeded`, and a failed
    /// release after a successful worker is `job.succeeded` plus `lock.release_failed`.
    @Suite struct LostLeaseReportTests {
        typealias Support = JobTestSupport

        private static let beats = HeartbeatPolicy(interval: .milliseconds(100), window: .seconds(5))

        @Test func aForceReleasedJobIsAnOverrunNamingTheOperatorNeverASuccess() async throws {
            let recorder = EventRecorder()
            let (mutex, store) = try Support.mutex(table: "lost_forced", recorder: recorder, heartbeat: Self.beats)
            let lockID = Support.lockID("forced")
            let gate = Gate()
            let job = ScriptedJob(gate: gate)

            async let running = job.run(using: mutex, ttl: .seconds(60), lockID: lockID, jobName: "forced")
            _ = try await recorder.waitFor(.jobStarted)
            #expect(try await store.forceRelease(lockID))
            let lost = try await recorder.waitFor(.lockLost)
            gate.open()
            let outcome = await running

            #expect(lost["reason"] == "force_released")
            #expect(lost["force_released_at"] != nil)
            #expect(lost["holder"] == nil)
            #expect(lost.message.contains("was lost: it was force-released by an operator at "))
            guard case .overran(let timeout) = outcome else { Issue.record("expected an overrun, got \(outcome)"); return }
            #expect(timeout.forceReleased)
            let overran = try #require(recorder.first(.jobOverran))
            #expect(overran["reason"] == "force_released")
            #expect(overran["overlapped"] == "false")
            #expect(overran.message.contains("force-released by an operator"))
            #expect(recorder.records.compactMap(\.event) == [.jobStarted, .lockLost, .jobOverran])
        }

        @Test func aTakeoverWhoseHolderHasReleasedSinceIsNamedAsSuch() async throws {
            let recorder = EventRecorder()
            let (mutex, store) = try Support.mutex(table: "lost_since", recorder: recorder, heartbeat: Self.beats)
            let lockID = Support.lockID("since")
            let gate = Gate()
            let job = ScriptedJob(gate: gate)

            async let running = job.run(using: mutex, ttl: .seconds(60), lockID: lockID, jobName: "since")
            _ = try await recorder.waitFor(.jobStarted)
            // Another holder takes the lock and releases it, in one statement, so a heartbeat
            // sees either the job's lease or the finished takeover, never a step in between.
            let table = store.table
            try PostgresTestSQL.run(try TestDatabase.url, """
                UPDATE \(table.quoted) SET token = nextval('\(table.quoted(suffix: "_token_seq"))'), owner = 'thief:7',
                    acquired_at = clock_timestamp(), released_at = clock_timestamp() WHERE lock_id = $1
                """, [lockID])
            let thief = try #require(try await store.locks().first { $0.lockID == lockID })
            let lost = try await recorder.waitFor(.lockLost)
            gate.open()
            let outcome = await running

            #expect(lost["reason"] == "taken_over")
            #expect(lost["holder"] == "thief:7")
            #expect(lost.integer("holder_token") == thief.token)
            #expect(lost["holder_released"] == "true")
            #expect(lost.message.contains("thief:7 took it over with token \(thief.token) and has released it since"))
            guard case .overran(let timeout) = outcome else { Issue.record("expected an overrun, got \(outcome)"); return }
            #expect(timeout.overlapped)
            #expect(timeout.newHolder?.token == thief.token)
            let overran = try #require(recorder.first(.jobOverran))
            #expect(overran["reason"] == "taken_over")
            #expect(overran["holder_released"] == "true")
            #expect(recorder.records.compactMap(\.event) == [.jobStarted, .lockLost, .jobOverran])
        }

        @Test func aReleaseThatFailsAfterTheWorkSucceededIsASuccessWithAWarning() async throws {
            let recorder = EventRecorder()
            let (mutex, store) = try Support.mutex(table: "release_fails", recorder: recorder, heartbeat: Self.beats)
            let lockID = Support.lockID("release-fails")
            let gate = Gate()
            let job = ScriptedJob(gate: gate)

            async let running = job.run(using: mutex, ttl: .seconds(60), lockID: lockID, jobName: "release-fails")
            _ = try await recorder.waitFor(.jobStarted)
            // The release function (schema version 2's) disappears: the release fails, the work did not.
            try PostgresTestSQL.run(
                try TestDatabase.url, "DROP FUNCTION \(store.table.quoted(suffix: "_release_v2"))(text, bigint, boolean, text, text)"
            )
            gate.open()
            let outcome = await running

            guard case .succeeded = outcome else { Issue.record("expected success, got \(outcome)"); return }
            #expect(recorder.records.compactMap(\.event) == [.jobStarted, .lockReleaseFailed, .jobSucceeded])
            let warning = try #require(recorder.first(.lockReleaseFailed))
            #expect(warning.level == .warning)
            #expect(warning["job"] == "release-fails")
            #expect(warning["lock_id"] == lockID)
            #expect(warning["error"]?.contains("does not exist") == true)
            #expect(warning.message.contains("frees when its heartbeat window of 5 s passes"))
            #expect(try await store.locks().first { $0.lockID == lockID }?.status == .held, "not released: it frees with the window")
        }
    }
}
