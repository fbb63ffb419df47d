import Foundation
import JobKit
import Testing

/// Taking, refusing and releasing locks: the core of the contract.
@Suite struct AcquireConformanceTests {
    @Test(arguments: StoreKind.all)
    func freeLockIsAcquired(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("free")
            let before = Date()
            let lease = try await store.acquired(id, owner: "alpha", ttl: .seconds(60), liveness: .seconds(30))
            #expect(lease.lockID == id)
            #expect(lease.owner == "alpha")
            #expect(lease.token > 0)
            #expect(lease.recovered == nil)
            #expect(lease.tick == nil)
            // The store's clock and the test's are the same machine's.
            #expect(abs(lease.acquiredAt.timeIntervalSince(before)) < 60)
            #expect(lease.expiresAt.map(micros) == micros(lease.acquiredAt) + 60_000_000)
            #expect(lease.aliveUntil.map(micros) == micros(lease.acquiredAt) + 30_000_000)
            #expect(lease.ttl == .seconds(60))

            let row = try #require(try await store.lock(id))
            #expect(row.status == .held)
            #expect(row.owner == "alpha")
            #expect(row.token == lease.token)
            #expect(micros(row.acquiredAt) == micros(lease.acquiredAt))
        }
    }

    @Test(arguments: StoreKind.all)
    func heldLockIsRefusedNamingTheHolder(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("held")
            let lease = try await store.acquired(id, owner: "alpha", ttl: .seconds(60), liveness: .seconds(30))
            let error = try await store.refused(id, owner: "beta")
            #expect(error.lockID == id)
            let holder = try #require(error.holder)
            #expect(holder.owner == "alpha")
            #expect(holder.token == lease.token)
            #expect(micros(holder.since) == micros(lease.acquiredAt))
            #expect(holder.until.map(micros) == lease.expiresAt.map(micros))
            #expect(holder.aliveUntil.map(micros) == lease.aliveUntil.map(micros))
            #expect(error.since.map(micros) == micros(lease.acquiredAt))
            #expect(error.until.map(micros) == lease.expiresAt.map(micros))
            #expect(error.description.contains("alpha"))
            // Being refused changes nothing.
            #expect(try await store.lock(id)?.token == lease.token)
        }
    }

    @Test(arguments: StoreKind.all)
    func releasedLockCanBeAcquiredAgain(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("cycle")
            let first = try await store.acquired(id, owner: "alpha")
            #expect(try await store.release(first) == .released)
            let row = try #require(try await store.lock(id))
            #expect(row.status == .released)
            #expect(row.releasedAt != nil)

            let second = try await store.acquired(id, owner: "beta")
            #expect(second.recovered == nil, "a released lock is free, not recovered")
            #expect(second.token > first.token)
            #expect(try await store.lock(id)?.owner == "beta")
        }
    }

    @Test(arguments: StoreKind.all)
    func differentIDsAreIndependent(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let a = try await store.acquired(store.id("a"), owner: "alpha")
            let b = try await store.acquired(store.id("b"), owner: "beta")
            #expect(a.token != b.token)
            #expect(try await store.release(a) == .released)
            #expect(try await store.lock(store.id("b"))?.status == .held)
            _ = try await store.refusedAsHeld(store.id("b"), owner: "gamma")
            #expect(try await store.release(b) == .released)
        }
    }

    @Test(arguments: StoreKind.all)
    func sameOwnerTwiceIsRefusedBecauseLocksAreNotReentrant(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("twice")
            let lease = try await store.acquired(id, owner: "alpha")
            let holder = try await store.refusedAsHeld(id, owner: "alpha")
            #expect(holder.owner == "alpha")
            #expect(holder.token == lease.token)
        }
    }

    @Test(arguments: StoreKind.all)
    func tokensStrictlyIncreaseAcrossEveryKindOfHandOver(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("tokens")
            var tokens: [Int64] = []

            // acquire, release
            let released = try await store.acquired(id, owner: "alpha")
            tokens.append(released.token)
            _ = try await store.release(released)
            // acquire again after a release, then let its TTL pass (acquired long ago)
            let expiring = try await store.acquired(id, owner: "beta", ttl: .seconds(60), at: longAgo())
            tokens.append(expiring.token)
            // take over the expired holder
            let takeover = try await store.acquired(id, owner: "gamma", ttl: .seconds(60), liveness: .seconds(30), at: longAgo().plus(.seconds(60)))
            #expect(takeover.recovered?.reason == .expired)
            tokens.append(takeover.token)
            // take over the holder that stopped beating
            let dead = try await store.acquired(id, owner: "delta", at: longAgo().plus(.seconds(90)))
            #expect(dead.recovered?.reason == .ownerDead)
            tokens.append(dead.token)
            // force-release, then acquire
            #expect(try await store.forceRelease(id))
            let afterForce = try await store.acquired(id, owner: "epsilon")
            tokens.append(afterForce.token)
            // another id in between does not make this one's tokens go back
            _ = try await store.acquired(store.id("other"), owner: "zeta")
            _ = try await store.release(afterForce)
            let last = try await store.acquired(id, owner: "eta")
            tokens.append(last.token)

            #expect(tokens == tokens.sorted() && Set(tokens).count == tokens.count, "tokens \(tokens) must strictly increase")
        }
    }

    @Test(arguments: StoreKind.all)
    func ownersAreKeptVerbatim(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let owners = ["host-1:4242", "it's \"me\"", #"C:\jobs\runner"#, "ünïcødé 🔒", "'; DROP TABLE x; --", ""]
            for (index, owner) in owners.enumerated() {
                let id = store.id("owner-\(index)")
                let lease = try await store.acquired(id, owner: owner)
                #expect(lease.owner == owner)
                #expect(try await store.refusedAsHeld(id, owner: "other").owner == owner)
                #expect(try await store.lock(id)?.owner == owner)
            }
        }
    }
}
