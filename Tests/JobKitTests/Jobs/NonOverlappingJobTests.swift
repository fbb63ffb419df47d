import Foundation
@_spi(Testing) import JobKit
import Logging
import Testing

extension Jobs {
    /// Each outcome of `NonOverlappingJob.run(using:)` against the real PostgreSQL server, with
    /// the exact events and fields it reports.
    @Suite struct NonOverlappingJobTests {
        typealias Support = JobTestSupport

        @Test func aSuccessfulRunReportsStartedThenSucceededWithTheJobFields() async throws {
            let recorder = EventRecorder()
            let (mutex, _) = try Support.mutex(table: "jobs_success", recorder: recorder)
            let lockID = Support.lockID("success")
            let tick = Date(timeIntervalSince1970: 1_800_000_000)
            let job = ScriptedJob()

            let outcome = await job.run(using: mutex, tick: tick, lockID: lockID, jobName: "nightly-success")

            guard case .succeeded = outcome else { Issue.record("expected success, got \(outcome)"); return }
            #expect(outcome.exitCode == 0)
            #expect(outcome.event == .jobSucceeded)
            let context = try #require(job.log.context)
            #expect(context.jobName == "nightly-success")
            #expect(context.tick == tick)
            #expect(context.lease.lockID == lockID)
            #expect(!context.isCancelled && !context.isLeaseLost)

            let started = try #require(recorder.first(.jobStarted))
            #expect(started.level == .info)
            #expect(Support.fieldNames(started) == ["job", "job_type", "lock_id", "token", "owner", "tick", "ttl_s"])
            #expect(started["job"] == "nightly-success")
            #expect(started["job_type"] == "JobKitTests.ScriptedJob")
            #expect(started["lock_id"] == lockID)
            #expect(started.integer("token") == context.lease.token)
            #expect(started["owner"] == mutex.owner)
            #expect(started["tick"] == "2027-01-15T08:00:00.000Z")
            #expect(started["ttl_s"] == "60")

            let succeeded = try #require(recorder.first(.jobSucceeded))
            #expect(succeeded.level == .info)
            #expect(Support.fieldNames(succeeded) == ["job", "job_type", "lock_id", "token", "tick", "ttl_s", "duration_ms"])
            #expect(succeeded["job"] == "nightly-success")
            #expect(succeeded.integer("token") == context.lease.token)
            #expect((succeeded.integer("duration_ms") ?? -1) >= 0)
            #expect(recorder.records.compactMap(\.event) == [.jobStarted, .jobSucceeded])

            // The worker's own line carries the job and lease fields.
            let line = try #require(recorder.records.first { $0.message == "The worker is running." })
            #expect(line["job"] == "nightly-success")
            #expect(line["lock_id"] == lockID)
            #expect(line.integer("token") == context.lease.token)
            #expect(line["tick"] == "2027-01-15T08:00:00.000Z")
        }

        @Test func aThrowingWorkerFailsWithItsErrorInTheEvent() async throws {
            let recorder = EventRecorder()
            let (mutex, _) = try Support.mutex(table: "jobs_failure", recorder: recorder)
            let lockID = Support.lockID("failure")
            let job = ScriptedJob(failure: "the report server said no")

            let outcome = await job.run(using: mutex, lockID: lockID, jobName: "nightly-failure")

            guard case .failed(let error) = outcome else { Issue.record("expected failure, got \(outcome)"); return }
            #expect((error as? ScriptedJob.Failure)?.description == "the report server said no")
            #expect(outcome.exitCode == 1)
            #expect(outcome.event == .jobFailed)
            let failed = try #require(recorder.first(.jobFailed))
            #expect(failed.level == .error)
            #expect(Support.fieldNames(failed) == ["job", "job_type", "lock_id", "token", "ttl_s", "error", "duration_ms"])
            #expect(failed["job"] == "nightly-failure")
            #expect(failed["error"] == "the report server said no")
            #expect(recorder.records.compactMap(\.event) == [.jobStarted, .jobFailed])
        }

        @Test func aHeldLockSkipsTheJobNamingTheHolder() async throws {
            let recorder = EventRecorder()
            let (mutex, store) = try Support.mutex(table: "jobs_held", recorder: recorder)
            let lockID = Support.lockID("held")
            let request = LockRequest(lockID: lockID, owner: "other-machine:4242", ttl: .seconds(600), liveness: nil)
            guard case .acquired(let holderLease) = try store.acquire(request) else {
                Issue.record("the test could not take the lock first")
                return
            }
            let job = ScriptedJob()

            let outcome = await job.run(using: mutex, lockID: lockID, jobName: "nightly-held")

            guard case .skipped(let reason) = outcome, let holder = reason.holder else { Issue.record("expected lock_held, got \(outcome)"); return }
            #expect(holder.owner == "other-machine:4242")
            #expect(holder.token == holderLease.token)
            #expect(outcome.exitCode == 0)
            #expect(outcome.event == .jobSkipped)
            #expect(job.log.context == nil, "the worker did not run")
            let skipped = try #require(recorder.first(.jobSkipped))
            #expect(skipped.level == .info)
            #expect(Support.fieldNames(skipped) == ["job", "job_type", "lock_id", "reason", "holder", "holder_token", "since", "until"])
            #expect(skipped["reason"] == "lock_held")
            #expect(skipped["holder"] == "other-machine:4242")
            #expect(skipped.integer("holder_token") == holderLease.token)
            #expect(skipped["since"] == holderLease.acquiredAt.jobKitTimestamp)
            #expect(skipped["until"] == holderLease.expiresAt?.jobKitTimestamp)
            #expect(recorder.records.compactMap(\.event) == [.jobSkipped])
        }

        @Test func takingOverAnExpiredLockIsReportedWithTheJobsName() async throws {
            let recorder = EventRecorder()
            let (mutex, store) = try Support.mutex(table: "jobs_recovered", recorder: recorder)
            let lockID = Support.lockID("recovered")
            let crashed = LockRequest(lockID: lockID, owner: "crashed-machine:9", ttl: .milliseconds(200), liveness: nil)
            guard case .acquired(let old) = try store.acquire(crashed) else {
                Issue.record("the test could not take the lock first")
                return
            }
            _ = try await waitUntil(timeout: .seconds(60), "the crashed holder's TTL to pass on the server") {
                try store.locks().first { $0.lockID == lockID && $0.status == .expired }
            }

            let outcome = await ScriptedJob().run(using: mutex, lockID: lockID, jobName: "heir")

            guard case .succeeded = outcome else { Issue.record("expected success, got \(outcome)"); return }
            let recovered = try #require(recorder.first(.lockRecovered))
            #expect(recovered["job"] == "heir")
            #expect(recovered["job_type"] == "JobKitTests.ScriptedJob")
            #expect(recovered["previous_owner"] == "crashed-machine:9")
            #expect(recovered.integer("previous_token") == old.token)
            #expect(recovered["reason"] == "expired")
            #expect(recorder.records.compactMap(\.event) == [.lockRecovered, .jobStarted, .jobSucceeded])
        }

        @Test func aTickThatAlreadyRanIsSkippedWithBothTicks() async throws {
            let recorder = EventRecorder()
            let (mutex, _) = try Support.mutex(table: "jobs_already_ran", recorder: recorder)
            let lockID = Support.lockID("already-ran")
            let tick = Date(timeIntervalSince1970: 1_800_000_060)

            let first = await ScriptedJob().run(using: mutex, tick: tick, lockID: lockID, jobName: "every-minute")
            guard case .succeeded = first else { Issue.record("the first run should succeed, got \(first)"); return }
            let job = ScriptedJob()
            let again = await job.run(using: mutex, tick: tick, lockID: lockID, jobName: "every-minute")
            let earlier = await job.run(using: mutex, tick: tick - 60, lockID: lockID, jobName: "every-minute")

            guard case .skipped(let againReason) = again, let (againTick, againLast) = againReason.alreadyRan else {
                Issue.record("expected already_ran, got \(again)")
                return
            }
            #expect(againTick == tick && againLast == tick)
            guard case .skipped(let earlierReason) = earlier, let (earlierTick, earlierLast) = earlierReason.alreadyRan else {
                Issue.record("expected already_ran, got \(earlier)")
                return
            }
            #expect(earlierTick == tick - 60 && earlierLast == tick)
            #expect(job.log.context == nil, "the worker did not run")
            #expect(again.exitCode == 0)

            let skipped = recorder.events(.jobSkipped)
            #expect(skipped.count == 2)
            let record = try #require(skipped.first)
            #expect(record.level == .info)
            #expect(Support.fieldNames(record) == ["job", "job_type", "lock_id", "reason", "tick", "last_tick"])
            #expect(record["reason"] == "already_ran")
            #expect(record["tick"] == "2027-01-15T08:01:00.000Z")
            #expect(record["last_tick"] == "2027-01-15T08:01:00.000Z")
            #expect(skipped.last?["tick"] == "2027-01-15T08:00:00.000Z")
            #expect(skipped.last?["last_tick"] == "2027-01-15T08:01:00.000Z")
        }

        @Test func aRunPastItsTTLWarnsWithLockExpiredThenOverranWithoutOverlap() async throws {
            let recorder = EventRecorder()
            let (mutex, _) = try Support.mutex(table: "jobs_overran", recorder: recorder)
            let lockID = Support.lockID("overran")
            let gate = Gate()
            let job = ScriptedJob(gate: gate)

            async let running = job.run(using: mutex, ttl: .duration(.milliseconds(300)), lockID: lockID, jobName: "slow")
            let expired = try await recorder.waitFor(.lockExpired)
            #expect(recorder.first(.jobOverran) == nil && recorder.first(.jobSucceeded) == nil, "the job is still running")
            #expect(expired["job"] == "slow")
            #expect(expired["job_type"] == "JobKitTests.ScriptedJob")
            #expect(expired["lock_id"] == lockID)
            gate.open()
            let outcome = await running

            guard case .overran(let timeout) = outcome else { Issue.record("expected overran, got \(outcome)"); return }
            #expect(!timeout.overlapped)
            #expect(timeout.newHolder == nil)
            #expect(outcome.exitCode == 3)
            #expect(outcome.event == .jobOverran)
            let overran = try #require(recorder.first(.jobOverran))
            #expect(overran.level == .error)
            #expect(Support.fieldNames(overran) == ["job", "job_type", "lock_id", "token", "ttl_s", "overlapped", "reason", "expired_at", "duration_ms"])
            #expect(overran["overlapped"] == "false")
            #expect(overran["reason"] == "expired")
            #expect(overran["ttl_s"] == "0.3")
            #expect(overran["expired_at"] == timeout.expiredAt?.jobKitTimestamp)
            #expect(overran["expired_at"] == expired["expired_at"])
            #expect(overran.integer("duration_ms") != nil)
            #expect(recorder.records.compactMap(\.event) == [.jobStarted, .lockExpired, .jobOverran])
        }

        @Test func aWorkerThatThrowsAfterItsTTLFailsAndStillReportsOverran() async throws {
            let recorder = EventRecorder()
            let (mutex, _) = try Support.mutex(table: "jobs_failed_late", recorder: recorder)
            let lockID = Support.lockID("failed-late")
            let gate = Gate()
            let job = ScriptedJob(gate: gate, failure: "gave up, late")

            async let running = job.run(using: mutex, ttl: .duration(.milliseconds(300)), lockID: lockID, jobName: "late")
            _ = try await recorder.waitFor(.lockExpired)
            gate.open()
            let outcome = await running

            guard case .failed(let error) = outcome else { Issue.record("expected failure, got \(outcome)"); return }
            #expect("\(error)" == "gave up, late")
            #expect(outcome.exitCode == 1)
            let overran = try #require(recorder.first(.jobOverran))
            #expect(overran["overlapped"] == "false")
            #expect(overran["job"] == "late")
            let failed = try #require(recorder.first(.jobFailed))
            #expect(failed["error"] == "gave up, late")
            #expect(recorder.records.compactMap(\.event) == [.jobStarted, .lockExpired, .jobOverran, .jobFailed])
            #expect(recorder.first(.lockOverran) == nil, "job.overran replaces the mutex's lock.overran")
        }

        @Test func anOptedInJobIsCancelledWhenItsLockIsTakenOver() async throws {
            let recorder = EventRecorder()
            let (mutex, store) = try Support.mutex(
                table: "jobs_lost_cancel", recorder: recorder,
                heartbeat: HeartbeatPolicy(interval: .milliseconds(100), window: .seconds(5))
            )
            let lockID = Support.lockID("lost-cancel")
            let job = ScriptedJob(gate: Gate(), cancels: true)

            async let running = job.run(using: mutex, ttl: .seconds(60), lockID: lockID, jobName: "cancellable")
            _ = try await recorder.waitFor(.jobStarted)
            // Take the lock over as if the server's clock had passed the job's TTL.
            let thief = LockRequest(lockID: lockID, owner: "thief:7", ttl: .seconds(60), liveness: nil)
            guard case .acquired(let thiefLease) = try store.acquire(thief, now: Date().addingTimeInterval(3600)) else {
                Issue.record("the takeover was refused")
                return
            }
            let lost = try await recorder.waitFor(.lockLost)
            let outcome = await running

            #expect(lost["job"] == "cancellable")
            #expect(lost["holder"] == "thief:7")
            #expect(lost.integer("holder_token") == thiefLease.token)
            #expect(job.log.cancelledAtGate, "the worker's task was cancelled")
            let context = try #require(job.log.context)
            #expect(context.isLeaseLost && context.isCancelled)
            guard case .failed(let error) = outcome, let runError = error as? JobRunError else {
                Issue.record("expected a JobRunError, got \(outcome)")
                return
            }
            #expect(runError.isLeaseLost)
            #expect(runError.newHolder?.owner == "thief:7")
            let failed = try #require(recorder.first(.jobFailed))
            #expect(failed["error"] == runError.description)
            #expect(runError.description.contains("lost its lock \"\(lockID)\""))
            // The thief's takeover is an overlap, and says so.
            let overran = try #require(recorder.first(.jobOverran))
            #expect(overran["overlapped"] == "true")
            #expect(overran["holder"] == "thief:7")
            #expect(recorder.records.compactMap(\.event) == [.jobStarted, .lockLost, .jobOverran, .jobFailed])
        }

        @Test func aJobThatDidNotOptInKeepsRunningWhenItsLockIsLost() async throws {
            let recorder = EventRecorder()
            let (mutex, store) = try Support.mutex(
                table: "jobs_lost_keep", recorder: recorder,
                heartbeat: HeartbeatPolicy(interval: .milliseconds(100), window: .seconds(5))
            )
            let lockID = Support.lockID("lost-keep")
            let gate = Gate()
            let job = ScriptedJob(gate: gate)

            async let running = job.run(using: mutex, ttl: .seconds(60), lockID: lockID, jobName: "stubborn")
            _ = try await recorder.waitFor(.jobStarted)
            #expect(try await store.forceRelease(lockID))
            let lost = try await recorder.waitFor(.lockLost)
            let context = try await waitUntil(timeout: .seconds(60), "the run to learn of the loss") {
                job.log.context.flatMap { $0.isLeaseLost ? $0 : nil }
            }
            #expect(!context.isCancelled)
            gate.open()
            let outcome = await running

            #expect(lost["job"] == "stubborn")
            #expect(lost["holder"] == nil, "force-released: nobody took it over")
            #expect(!job.log.cancelledAtGate)
            #expect(job.log.taskCancelledAtEnd == false)
            // The work finished, but without its lock: never reported as a success.
            guard case .overran(let timeout) = outcome else { Issue.record("expected an overrun, got \(outcome)"); return }
            #expect(timeout.overlapped == false)
            #expect(recorder.records.compactMap(\.event) == [.jobStarted, .lockLost, .jobOverran])
        }

        @Test func anUnreachableStoreIsNotASkipAndIsLeftToTheCallerToReport() async throws {
            let recorder = EventRecorder()
            var configuration = PostgresLockStore.Configuration()
            configuration.connectTimeout = .seconds(2)
            // Port 1 on the loopback interface: nothing listens, so the connection is refused.
            let store = try PostgresLockStore(url: "postgres://jobkit@127.0.0.1:1/jobkit", configuration: configuration)
            let mutex = DBMutex(store: store, owner: "jobs-test", logger: recorder.logger())
            let job = ScriptedJob()

            let outcome = await job.run(using: mutex, lockID: "unreachable", jobName: "offline")

            guard case .storeUnavailable(let error) = outcome else { Issue.record("expected store unavailable, got \(outcome)"); return }
            #expect(error is PostgresError)
            #expect(outcome.exitCode == 4)
            #expect(outcome.event == .storeUnavailable)
            #expect(job.log.context == nil, "the worker did not run")
            #expect(recorder.records.compactMap(\.event).isEmpty, "the caller reports store.unavailable, once per outage")
        }

        @Test func anInvalidLockIDFailsBeforeTheWorkerStarts() async throws {
            let recorder = EventRecorder()
            let (mutex, _) = try Support.mutex(table: "jobs_bad_id", recorder: recorder)
            let job = ScriptedJob()

            let outcome = await job.run(using: mutex, lockID: "", jobName: "nameless")

            guard case .failed(let error) = outcome else { Issue.record("expected failure, got \(outcome)"); return }
            #expect(error is InvalidLockIDError)
            #expect(job.log.context == nil)
            let failed = try #require(recorder.first(.jobFailed))
            #expect(Support.fieldNames(failed) == ["job", "job_type", "lock_id", "error"])
            #expect(failed["error"] == "A lock id must not be empty.")
        }

        @Test func theDefaultLockIDAndJobNameAreTheTypeName() async throws {
            let recorder = EventRecorder()
            let (mutex, _) = try Support.mutex(table: "jobs_defaults", recorder: recorder)
            let job = ScriptedJob()

            let outcome = await job.run(using: mutex)

            guard case .succeeded = outcome else { Issue.record("expected success, got \(outcome)"); return }
            #expect(job.log.context?.lease.lockID == "JobKitTests.ScriptedJob")
            #expect(job.log.context?.jobName == "JobKitTests.ScriptedJob")
            #expect(recorder.first(.jobStarted)?["job"] == "JobKitTests.ScriptedJob")
        }
    }
}
