import Foundation
@_spi(Testing) import JobKit
import Testing

/// The fleet controls, on every store: a pause refuses a job's ticks at acquire time (as
/// `paused` once per tick, as already ran for the other callers of that tick), a resume lets
/// them run without counting the paused ticks as missed, and a trigger request is claimed by
/// exactly one acquisition, given back when the lock is held.
@Suite struct ControlConformanceTests {
    private func jobRequest(
        _ job: String, owner: String, tick: Date? = nil, kind: RunKind? = nil, trigger: Int64? = nil
    ) -> LockRequest {
        LockRequest(
            lockID: job, owner: owner, ttl: .seconds(3600), liveness: nil, tick: tick,
            run: RunStart(job: job, jobType: "test", kind: kind, trigger: trigger)
        )
    }

    private func acquire(_ store: StoreUnderTest, _ request: LockRequest) async throws -> AcquireResult {
        let subject = store.store
        return try await offPool { try subject.acquire(request) }
    }

    private func call<T: Sendable>(_ store: StoreUnderTest, _ body: @escaping @Sendable (any LockStore) throws -> T) async throws -> T {
        let subject = store.store
        return try await offPool { try body(subject) }
    }

    @Test(arguments: StoreKind.all)
    func aBatchOfClaimsSeesAPauseExactlyAsASingleClaimDoes(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let paused = store.id("batch-paused"), running = store.id("batch-running")
            let tick = Date(timeIntervalSince1970: 1_795_000_000)
            let pause = try await call(store) { try $0.pause(paused, reason: "INC-7", by: "ops@host") }
            let answers = try await call(store) { subject in
                subject.acquire(batch: [
                    jobRequest(paused, owner: "alpha", tick: tick), jobRequest(running, owner: "alpha", tick: tick),
                    jobRequest(paused, owner: "beta", tick: tick),
                ])
            }
            #expect(try answers[0].get().refusal?.reason.pause == pause)
            let lease = try #require(try answers[1].get().lease)
            #expect(try answers[2].get().refusal?.reason.alreadyRan != nil, "the tick was skipped as paused once, for the fleet")
            _ = try await call(store) { try $0.release(lease) }
        }
    }

    @Test(arguments: StoreKind.all)
    func aPausedJobsTickIsRefusedOnceAsPausedAndItsSkippedTicksAreNotMissed(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let job = store.id("nightly")
            let t0 = Date(timeIntervalSince1970: 1_795_000_000)
            let t1 = t0.addingTimeInterval(60), t2 = t0.addingTimeInterval(120), t3 = t0.addingTimeInterval(180)
            let first = try #require(try await acquire(store, jobRequest(job, owner: "alpha", tick: t0)).lease)
            _ = try await call(store) { try $0.release(first, ending: RunEnd(outcome: .succeeded)) }

            let pause = try await call(store) { try $0.pause(job, reason: "INC-42: the API is down", by: "ops@host") }
            #expect(pause.job == job && pause.reason == "INC-42: the API is down" && pause.pausedBy == "ops@host")

            let refused = try #require(try await acquire(store, jobRequest(job, owner: "alpha", tick: t1)).refusal)
            let seen = try #require(refused.reason.pause)
            #expect(seen == pause)
            #expect(refused.holder == nil)
            let other = try #require(try await acquire(store, jobRequest(job, owner: "beta", tick: t1)).refusal)
            #expect(other.reason.alreadyRan?.lastTick == t1)
            #expect(try await acquire(store, jobRequest(job, owner: "beta", tick: t2)).refusal?.reason.pause == pause)

            // The plain mutex and a run without a tick are not ticks: a pause does not refuse them.
            let plain = LockRequest(lockID: job, owner: "gamma", ttl: .seconds(60), liveness: nil)
            let byHand = try #require(try await acquire(store, plain).lease)
            _ = try await call(store) { try $0.release(byHand) }

            let ended = try await call(store) { try $0.resume(job) }
            #expect(ended == pause)
            #expect(try await call(store) { try $0.resume(job) } == nil)
            // A tick skipped as paused stays handled after the resume.
            #expect(try await acquire(store, jobRequest(job, owner: "alpha", tick: t2)).refusal?.reason.alreadyRan != nil)
            let resumed = try #require(try await acquire(store, jobRequest(job, owner: "alpha", tick: t3)).lease)
            #expect(resumed.previousTick == t2)
        }
    }

    @Test(arguments: StoreKind.all)
    func pausesAreListedPolledAndReplaced(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let a = store.id("a"), b = store.id("b"), c = store.id("c")
            _ = try await call(store) { try $0.pause(a, reason: nil, by: "ops") }
            _ = try await call(store) { try $0.pause(b, reason: "first", by: "ops") }
            let replaced = try await call(store) { try $0.pause(b, reason: "second", by: "lead") }
            let listed = try await call(store) { try $0.pauses() }.filter { [a, b, c].contains($0.job) }
            #expect(listed.map(\.job) == [a, b])
            #expect(listed.last == replaced)
            #expect(listed.first?.reason == nil)
            let polled = try await call(store) { try $0.controls(for: [a, c], seenBy: "alpha") }
            #expect(Array(polled.pauses.keys) == [a])
            #expect(polled.triggers.isEmpty)
        }
    }

    @Test(arguments: StoreKind.all)
    func aTriggerIsSeenThenClaimedByExactlyOneAcquisitionAndRecordedAsManual(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let job = store.id("report")
            let request = try await call(store) { try $0.requestTrigger(job, by: "ops@host") }
            #expect(request.job == job && request.requestedBy == "ops@host" && request.claimedBy == nil)

            let firstPoll = try await call(store) { try $0.controls(for: [job], seenBy: "alpha") }
            #expect(firstPoll.triggers.map(\.id) == [request.id])
            let secondPoll = try await call(store) { try $0.controls(for: [job], seenBy: "beta") }
            #expect(secondPoll.triggers.first?.seenBy == "alpha")
            #expect(try await call(store) { try $0.triggerRequest(request.id) }?.seenBy == "alpha")

            let lease = try #require(
                try await acquire(store, jobRequest(job, owner: "alpha", kind: .manual, trigger: request.id)).lease
            )
            let late = try #require(
                try await acquire(store, jobRequest(job, owner: "beta", kind: .manual, trigger: request.id)).refusal
            )
            #expect(late.reason.claimedTrigger == request.id)
            let claimed = try #require(try await call(store) { try $0.triggerRequest(request.id) })
            #expect(claimed.claimedBy == "alpha" && claimed.token == lease.token)
            #expect(try await call(store) { try $0.controls(for: [job], seenBy: "beta") }.triggers.isEmpty)
            #expect(try await call(store) { try $0.withdrawTrigger(request.id) } == false)

            _ = try await call(store) { try $0.release(lease, ending: RunEnd(outcome: .succeeded)) }
            let run = try #require(try await call(store) { try $0.runs(of: job, limit: 1) }.first)
            #expect(run.kind == .manual && run.token == lease.token && run.tick == nil && run.outcome == .succeeded)
        }
    }

    @Test(arguments: StoreKind.all)
    func aTriggerThatFindsTheLockHeldIsGivenBackAndCanBeWithdrawn(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let job = store.id("busy")
            let holder = try #require(try await acquire(store, jobRequest(job, owner: "holder", tick: Date(timeIntervalSince1970: 1_795_000_000))).lease)
            let request = try await call(store) { try $0.requestTrigger(job, by: "ops") }
            let refused = try #require(
                try await acquire(store, jobRequest(job, owner: "alpha", kind: .manual, trigger: request.id)).refusal
            )
            #expect(refused.holder?.owner == "holder")
            #expect(try await call(store) { try $0.triggerRequest(request.id) }?.claimedBy == nil)
            let scheduled = try #require(try await call(store) { try $0.runs(of: job, limit: 1) }.first)
            #expect(scheduled.kind == .scheduled && scheduled.token == holder.token)

            #expect(try await call(store) { try $0.withdrawTrigger(request.id) })
            #expect(try await call(store) { try $0.triggerRequest(request.id) } == nil)
            _ = try await call(store) { try $0.release(holder) }
            let gone = try #require(
                try await acquire(store, jobRequest(job, owner: "alpha", kind: .manual, trigger: request.id)).refusal
            )
            #expect(gone.reason.claimedTrigger == request.id)
        }
    }

    /// A pause refuses ticks, not an operator's trigger: triggering is how a paused job is run
    /// once by hand, and the pause outlives the run.
    @Test(arguments: StoreKind.all)
    func aTriggerRunsAPausedJobOnceAndThePauseStays(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let job = store.id("paused-trigger")
            let pause = try await call(store) { try $0.pause(job, reason: "INC-9", by: "ops") }
            let request = try await call(store) { try $0.requestTrigger(job, by: "ops") }
            let lease = try #require(
                try await acquire(store, jobRequest(job, owner: "alpha", kind: .manual, trigger: request.id)).lease
            )
            _ = try await call(store) { try $0.release(lease, ending: RunEnd(outcome: .succeeded)) }
            #expect(try await call(store) { try $0.runs(of: job, limit: 1) }.first?.kind == .manual)
            #expect(try await call(store) { try $0.pauses() }.filter { $0.job == job } == [pause])
            let tick = Date(timeIntervalSince1970: 1_795_000_000)
            #expect(try await acquire(store, jobRequest(job, owner: "alpha", tick: tick)).refusal?.reason.pause == pause)
        }
    }

    @Test(arguments: StoreKind.all)
    func aPauseReasonMustBeShortPlainTextAndNotEmpty(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let job = store.id("job")
            let cases = [
                ("", "is empty"), ("   ", "is empty"), (String(repeating: "x", count: 10 * 1024), "is 10240 characters long; at most 500"),
                ("before\0after", "holds a NUL byte"),
            ]
            for (bad, says) in cases {
                let error = await #expect(throws: PauseReasonError.self) { try await call(store) { try $0.pause(job, reason: bad, by: "ops") } }
                #expect(error?.message.contains(says) == true, "\(String(describing: error))")
            }
            #expect(try await call(store) { try $0.pauses() }.filter { $0.job == job }.isEmpty)
            let trimmed = try await call(store) { try $0.pause(job, reason: "  disk full  ", by: "ops") }
            #expect(trimmed.reason == "disk full")
        }
    }
}
