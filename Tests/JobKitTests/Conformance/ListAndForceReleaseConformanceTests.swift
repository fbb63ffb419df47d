import Foundation
import JobKit
import Testing

/// What operators see and do: the list of locks, and force-release.
@Suite struct ListAndForceReleaseConformanceTests {
    @Test(arguments: StoreKind.all)
    func locksListsEveryRowWithItsStatus(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            #expect(try await store.locks().isEmpty)
            let start = longAgo()
            let tick = Date(timeIntervalSince1970: 1_795_000_020)
            let held = try await store.acquired(store.id("a-held"), owner: "alpha", ttl: .seconds(600), liveness: .seconds(300), tick: tick)
            let released = try await store.acquired(store.id("b-released"), owner: "beta")
            _ = try await store.release(released)
            let expired = try await store.acquired(store.id("c-expired"), owner: "gamma", ttl: .seconds(60), at: start)
            let dead = try await store.acquired(store.id("d-dead"), owner: "delta", ttl: nil, liveness: .seconds(30), at: start)

            let rows = try await store.locks()
            #expect(rows.map(\.lockID) == ["a-held", "b-released", "c-expired", "d-dead"].map(store.id))
            #expect(rows.map(\.status) == [.held, .released, .expired, .dead])
            #expect(rows.map(\.owner) == ["alpha", "beta", "gamma", "delta"])
            #expect(rows.map(\.token) == [held.token, released.token, expired.token, dead.token])
            #expect(rows.map { micros($0.acquiredAt) } == [held, released, expired, dead].map { micros($0.acquiredAt) })
            #expect(rows.map { $0.expiresAt.map(micros) } == [held, released, expired, dead].map { $0.expiresAt.map(micros) })
            #expect(rows.map { $0.aliveUntil.map(micros) } == [held, released, expired, dead].map { $0.aliveUntil.map(micros) })
            #expect(rows.map { $0.releasedAt == nil } == [true, false, true, true])
            #expect(rows[0].lastTick.map(micros) == micros(tick))
            #expect(rows[1].lastTick == nil)
            #expect(rows[0].holder.owner == "alpha")
        }
    }

    @Test(arguments: StoreKind.all)
    func forceReleaseFreesTheLockAndTheOldHolderLearnsOfTheTakeover(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("force")
            let lease = try await store.acquired(id, owner: "alpha")
            #expect(try await store.forceRelease(id))
            #expect(try await store.lock(id)?.status == .released)
            #expect(try await store.forceRelease(id) == false, "already released")
            #expect(try await store.forceRelease(store.id("never-taken")) == false, "no such lock")

            let next = try await store.acquired(id, owner: "beta")
            #expect(next.recovered == nil)
            #expect(next.token > lease.token)
            let beat = try await store.heartbeat(lease)
            guard case .lost(let beatHolder?) = beat else {
                Issue.record("expected the old holder's heartbeat to be lost to beta, got \(beat)")
                return
            }
            #expect(beatHolder.token == next.token)
            let answer = try await store.release(lease)
            guard case .takenOver(let holder?) = answer else {
                Issue.record("expected .takenOver naming beta, got \(answer)")
                return
            }
            #expect(holder.owner == "beta")
            #expect(holder.token == next.token)
            #expect(try await store.lock(id)?.status == .held, "the old holder's release leaves the new holder alone")
        }
    }

    @Test(arguments: StoreKind.all)
    func forceReleaseWithoutTakeoverLeavesTheOldHolderAReleaseJudgedAtTheForcedTime(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // Force-released within its TTL and nobody took over: nothing overlapped, nothing expired.
            let within = try await store.acquired(store.id("within"), owner: "alpha")
            #expect(try await store.forceRelease(store.id("within")))
            #expect(try await store.release(within) == .released)

            // Force-released after its TTL had passed: the old holder hears of the expiry.
            let start = longAgo()
            let late = try await store.acquired(store.id("late"), owner: "beta", ttl: .seconds(60), at: start)
            #expect(try await store.forceRelease(store.id("late")), "an expired lock that was never released")
            let answer = try await store.release(late)
            guard case .expired(let at) = answer else {
                Issue.record("expected .expired, got \(answer)")
                return
            }
            #expect(micros(at) == micros(start.plus(.seconds(60))))
        }
    }
}
