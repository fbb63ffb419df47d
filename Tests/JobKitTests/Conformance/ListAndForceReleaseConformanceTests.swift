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
            // The old holder hears of beta (still holding), not of the force-release before it.
            let beta = next.holderView
            #expect(try await store.heartbeat(lease) == .lost(.takenOver(by: beta, released: false)))
            #expect(try await store.release(lease) == .lost(.takenOver(by: beta, released: false)))
            #expect(try await store.lock(id)?.status == .held, "the old holder's release leaves the new holder alone")
            // The acquisition cleared the force-release mark: beta's own release is a plain one.
            #expect(try await store.release(next) == .released)
            #expect(try await store.release(lease) == .lost(.takenOver(by: beta, released: true)))
        }
    }

    @Test(arguments: StoreKind.all)
    func forceReleaseWhileHeldIsALossTheHolderHearsOfEvenWithoutTakeover(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // Force-released within its TTL and nobody took over: the holder still lost it.
            let id = store.id("within")
            let within = try await store.acquired(id, owner: "alpha")
            #expect(try await store.forceRelease(id))
            let forcedAt = try #require(try await store.lock(id)?.releasedAt)
            #expect(try await store.heartbeat(within) == .lost(.forceReleased(at: forcedAt)))
            #expect(try await store.release(within) == .lost(.forceReleased(at: forcedAt)))
            #expect(try await store.release(within) == .lost(.forceReleased(at: forcedAt)), "a retried release says the same")

            // Force-released after its TTL had passed, never released: lost to the operator as well.
            let late = try await store.acquired(store.id("late"), owner: "beta", ttl: .seconds(60), at: longAgo())
            #expect(try await store.forceRelease(store.id("late")), "an expired lock that was never released")
            let answer = try await store.release(late)
            guard case .lost(let loss) = answer else {
                Issue.record("expected .lost, got \(answer)")
                return
            }
            #expect(loss.isForceReleased)
            #expect(loss.newHolder == nil)

            // A holder's own release is not mistaken for a force-release when retried.
            let own = try await store.acquired(store.id("own"), owner: "gamma")
            #expect(try await store.release(own) == .released)
            #expect(try await store.release(own) == .released)
        }
    }

    @Test(arguments: StoreKind.all)
    func aRowDeletedByHandIsAForceRelease(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // django-db-mutex's tooling (and its own test of the timeout) deletes the row.
            let id = store.id("deleted")
            let lease = try await store.acquired(id, owner: "alpha")
            try await store.deleteRowByHand(id)
            #expect(try await store.lock(id) == nil)
            #expect(try await store.heartbeat(lease) == .lost(.forceReleased(at: nil)))
            #expect(try await store.release(lease) == .lost(.forceReleased(at: nil)))
            let next = try await store.acquired(id, owner: "beta")
            #expect(try await store.release(next) == .released)
        }
    }
}
