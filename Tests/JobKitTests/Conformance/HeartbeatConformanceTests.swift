import Foundation
import JobKit
import Testing

/// Liveness: heartbeats keep a lease, a holder that stops beating loses it.
@Suite struct HeartbeatConformanceTests {
    @Test(arguments: StoreKind.all)
    func heartbeatExtendsTheLivenessDeadlineFromTheStoresNow(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("beat")
            // Acquired long ago with a 30 s window: on the real clock its window has passed.
            let lease = try await store.acquired(id, owner: "alpha", ttl: nil, liveness: .seconds(30), at: longAgo())
            #expect(try await store.lock(id)?.status == .dead)

            let before = Date()
            #expect(try await store.heartbeat(lease, window: .seconds(600)) == .alive(expired: false))
            let row = try #require(try await store.lock(id))
            #expect(row.status == .held)
            let aliveUntil = try #require(row.aliveUntil)
            #expect(aliveUntil.timeIntervalSince(before) > 500, "the window counts from the store's now")
            _ = try await store.refusedAsHeld(id, owner: "beta")
        }
    }

    @Test(arguments: StoreKind.all)
    func heartbeatPastTheTTLSaysExpired(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let lease = try await store.acquired(store.id("expired"), owner: "alpha", ttl: .seconds(60), at: longAgo())
            #expect(try await store.heartbeat(lease) == .alive(expired: true))
        }
    }

    @Test(arguments: StoreKind.all)
    func stoppedHeartbeatLetsAnotherTakeOver(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("stopped")
            // Real time: a 300 ms window and no beats, as if the holder was killed.
            let lease = try await store.acquired(id, owner: "alpha", liveness: .milliseconds(300))
            let aliveUntil = try #require(lease.aliveUntil)
            var takeover: Lease?
            try await waitUntil("beta takes over the silent holder's lock") {
                takeover = try await store.acquire(id, owner: "beta").lease
                return takeover != nil
            }
            let taken = try #require(takeover)
            #expect(taken.acquiredAt >= aliveUntil, "taken over only once the window had passed on the store's clock")
            #expect(taken.token > lease.token)
            let recovery = try #require(taken.recovered)
            #expect(recovery.reason == .ownerDead)
            #expect(recovery.previous.owner == "alpha")
            #expect(recovery.previous.token == lease.token)
        }
    }

    @Test(arguments: StoreKind.all)
    func heartbeatOfATakenOverLeaseIsLost(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("lost")
            let lease = try await store.acquired(id, owner: "alpha", ttl: nil, liveness: .seconds(30), at: longAgo())
            let takeover = try await store.acquired(id, owner: "beta")
            #expect(takeover.recovered?.reason == .ownerDead)

            let answer = try await store.heartbeat(lease)
            guard case .lost(let loss) = answer, let holder = loss.newHolder, !loss.newHolderReleased else {
                Issue.record("expected .lost with the new holder still holding, got \(answer)")
                return
            }
            #expect(!loss.isForceReleased)
            #expect(holder.owner == "beta")
            #expect(holder.token == takeover.token)
            // The lost beat did not touch the new holder's row.
            #expect(try await store.lock(id)?.token == takeover.token)
            #expect(try await store.lock(id)?.aliveUntil.map(micros) == takeover.aliveUntil.map(micros))

            // Force-released, the new holder loses it too, to the operator; the first holder
            // still hears of beta, now as since released.
            #expect(try await store.forceRelease(id))
            let forced = try #require(try await store.lock(id)?.releasedAt)
            #expect(try await store.heartbeat(takeover) == .lost(.forceReleased(at: forced)))
            #expect(try await store.heartbeat(lease) == .lost(.takenOver(by: holder, released: true)))
        }
    }

    @Test(arguments: StoreKind.all)
    func heartbeatAfterReleaseIsLost(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let lease = try await store.acquired(store.id("gone"), owner: "alpha")
            #expect(try await store.release(lease) == .released)
            #expect(try await store.heartbeat(lease) == .lost(.releasedByItsHolder))
        }
    }
}
