import Foundation
@_spi(Testing) import JobKit
import Testing

/// The run ledger, on every store: a job's run opens its row with the acquisition and ends it
/// with the release; each outcome is recorded as the events name it; the plain mutex writes no
/// row; retention keeps the newest runs per job; the tick claimed before is answered once.
@Suite struct LedgerConformanceTests {
    private func request(
        _ lockID: String, owner: String, job: String? = nil, tick: Date? = nil, ttl: Duration? = .seconds(3600),
        liveness: Duration? = nil
    ) -> LockRequest {
        LockRequest(
            lockID: lockID, owner: owner, ttl: ttl, liveness: liveness, tick: tick,
            run: job.map { RunStart(job: $0, jobType: "test") }
        )
    }

    private func acquire(_ store: StoreUnderTest, _ request: LockRequest, at now: Date? = nil) async throws -> Lease {
        let subject = store.store
        let result = try await offPool { try subject.acquire(request, now: now) }
        return try #require(result.lease, "expected to acquire \(request.lockID), got \(result)")
    }

    private func release(_ store: StoreUnderTest, _ lease: Lease, _ end: RunEnd?) async throws -> ReleaseResult {
        let subject = store.store
        return try await offPool { try subject.release(lease, ending: end) }
    }

    private func runs(_ store: StoreUnderTest, _ job: String, limit: Int = 100) async throws -> [RunRecord] {
        let subject = store.store
        return try await offPool { try subject.runs(of: job, limit: limit) }
    }

    @Test(arguments: StoreKind.all)
    func aRunIsWrittenAtStartAndEnd(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("job")
            let tick = Date(timeIntervalSince1970: 1_795_000_020)
            let lease = try await acquire(store, request(id, owner: "alpha", job: id, tick: tick))
            let started = try #require(try await runs(store, id).first)
            #expect(started.outcome == .running && started.endedAt == nil)
            #expect(started.token == lease.token && started.owner == "alpha" && started.lockID == id)
            #expect(started.tick == tick && started.jobType == "test" && started.job == id)
            #expect(started.startedAt == lease.acquiredAt)

            #expect(try await release(store, lease, RunEnd(outcome: .succeeded)) == .released)
            let ended = try #require(try await runs(store, id).first)
            #expect(ended.outcome == .succeeded)
            let endedAt = try #require(ended.endedAt)
            #expect(endedAt >= ended.startedAt)
            #expect(ended.durationMilliseconds != nil && !ended.overlapped && ended.error == nil)
            #expect(try await runs(store, id).count == 1)
        }
    }

    @Test(arguments: StoreKind.all)
    func theOutcomesTheHolderReportsAreRecordedWithABoundedError(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("outcomes")
            for outcome in [RunOutcome.failed, .cancelled, .lost, .succeeded] {
                let lease = try await acquire(store, request(id, owner: "alpha", job: id))
                let error = outcome == .succeeded ? nil : String(repeating: "e", count: 5000)
                #expect(try await release(store, lease, RunEnd(outcome: outcome, error: error)) == .released)
            }
            let history = try await runs(store, id)
            #expect(history.map(\.outcome) == [.succeeded, .lost, .cancelled, .failed], "newest first")
            #expect(history.dropFirst().allSatisfy { $0.error?.count == RunEnd.maximumErrorLength })
            #expect(history.map(\.token) == history.map(\.token).sorted(by: >))
            #expect(try await runs(store, id, limit: 2).map(\.outcome) == [.succeeded, .lost])
        }
    }

    @Test(arguments: StoreKind.all)
    func aSuccessAfterTheTTLIsRecordedAsOverran(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("late")
            // Acquired two hours ago with a one-hour TTL: released now, after the TTL.
            let lease = try await acquire(store, request(id, owner: "alpha", job: id), at: Date().minus(.seconds(7200)))
            guard case .expired = try await release(store, lease, RunEnd(outcome: .succeeded)) else {
                Issue.record("expected the release to find the TTL passed")
                return
            }
            let run = try #require(try await runs(store, id).first)
            #expect(run.outcome == .overran && !run.overlapped)
        }
    }

    @Test(arguments: StoreKind.all)
    func aTakenOverRunIsLostUntilItsHolderReleasesThenOverranAndOverlapped(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("taken")
            // Alpha stopped beating an hour ago: beta takes over.
            let alpha = try await acquire(
                store, request(id, owner: "alpha", job: id, liveness: .seconds(30)), at: Date().minus(.seconds(3600))
            )
            let beta = try await acquire(store, request(id, owner: "beta", job: id))
            #expect(beta.recovered != nil)
            let whileTaken = try await runs(store, id)
            #expect(whileTaken.map(\.outcome) == [.running, .lost])
            #expect(whileTaken.last?.endedAt != nil)

            // Alpha was alive after all and finishes: its run overran and overlapped beta's.
            guard case .lost = try await release(store, alpha, RunEnd(outcome: .succeeded)) else {
                Issue.record("expected alpha's release to find the lease lost")
                return
            }
            let after = try await runs(store, id)
            #expect(after.last?.outcome == .overran && after.last?.overlapped == true)
            #expect(after.first?.owner == "beta" && after.first?.outcome == .running)
        }
    }

    @Test(arguments: StoreKind.all)
    func aForceReleasedRunIsLost(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("forced")
            let lease = try await acquire(store, request(id, owner: "alpha", job: id))
            #expect(try await store.forceRelease(id))
            _ = try await release(store, lease, RunEnd(outcome: .succeeded))
            let run = try #require(try await runs(store, id).first)
            #expect(run.outcome == .lost && !run.overlapped)
        }
    }

    @Test(arguments: StoreKind.all)
    func thePlainMutexWritesNoRow(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("plain")
            let lease = try await acquire(store, request(id, owner: "alpha"))
            #expect(try await release(store, lease, nil) == .released)
            try await store.mutex(owner: "beta").withLock(id) { await Task.yield() }
            #expect(try await runs(store, id).isEmpty)
        }
    }

    @Test(arguments: StoreKind.all)
    func retentionKeepsTheNewestRunsOfEachJob(_ kind: StoreKind) async throws {
        try await kind.withStore(retention: RunRetention(runsPerJob: 3)) { store in
            let id = store.id("kept")
            let other = store.id("other")
            var tokens: [Int64] = []
            for _ in 0..<7 {
                let lease = try await acquire(store, request(id, owner: "alpha", job: id))
                tokens.append(lease.token)
                _ = try await release(store, lease, RunEnd(outcome: .succeeded))
            }
            let otherLease = try await acquire(store, request(other, owner: "alpha", job: other))
            _ = try await release(store, otherLease, RunEnd(outcome: .failed, error: "boom"))
            #expect(try await runs(store, id).map(\.token) == Array(tokens.suffix(3).reversed()))
            #expect(try await runs(store, other).count == 1, "each job has its own bound")
        }
    }

    @Test(arguments: StoreKind.all)
    func aLoweredRetentionShrinksTheLedgerAFewRowsAtATime(_ kind: StoreKind) async throws {
        try await kind.withStore(retention: RunRetention(runsPerJob: 100)) { store in
            guard kind.name != "memory" else { return }   // one instance, one retention
            let id = store.id("lowered")
            for _ in 0..<70 {
                _ = try await release(store, try await acquire(store, request(id, owner: "alpha", job: id)), RunEnd(outcome: .succeeded))
            }
            var context = store.context
            context.retention = RunRetention(runsPerJob: 5)
            let lowered = StoreUnderTest(store: try kind.open(context), context: context)
            // Run 71 drops run 66's row only; run 128 (a multiple of 64) also sweeps up to 64 older rows.
            _ = try await release(lowered, try await acquire(lowered, request(id, owner: "alpha", job: id)), RunEnd(outcome: .succeeded))
            #expect(try await runs(lowered, id, limit: 1000).count == 70)
            for _ in 0..<57 {
                _ = try await release(lowered, try await acquire(lowered, request(id, owner: "alpha", job: id)), RunEnd(outcome: .succeeded))
            }
            let kept = try await runs(lowered, id, limit: 1000)
            #expect(kept.count < 70 && kept.count >= 5, "\(kept.count) rows")
            for _ in 0..<64 {
                _ = try await release(lowered, try await acquire(lowered, request(id, owner: "alpha", job: id)), RunEnd(outcome: .succeeded))
            }
            #expect(try await runs(lowered, id, limit: 1000).count == 5, "shrunk to the bound")
        }
    }

    @Test(arguments: StoreKind.all)
    func anAcquisitionForATickAnswersTheTickClaimedBefore(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("ticks")
            let first = Date(timeIntervalSince1970: 1_795_000_000)
            let lease1 = try await acquire(store, request(id, owner: "alpha", job: id, tick: first))
            #expect(lease1.previousTick == nil, "nothing was claimed before")
            _ = try await release(store, lease1, RunEnd(outcome: .succeeded))
            let lease2 = try await acquire(store, request(id, owner: "beta", job: id, tick: first + 30))
            #expect(lease2.previousTick == first)
            _ = try await release(store, lease2, RunEnd(outcome: .succeeded))
            // A refusal for an older tick answers nothing new; a run without a tick claims none.
            _ = try await store.refused(id, owner: "gamma", tick: first + 10)
            let untimed = try await acquire(store, request(id, owner: "gamma", job: id))
            #expect(untimed.previousTick == nil)
            _ = try await release(store, untimed, RunEnd(outcome: .succeeded))
            #expect(try await acquire(store, request(id, owner: "delta", job: id, tick: first + 60)).previousTick == first + 30)
        }
    }
}
