import Foundation
import JobKit
import Testing

/// TTLs and liveness deadlines, judged on the store's clock, with exact boundaries.
@Suite struct ExpiryConformanceTests {
    @Test(arguments: StoreKind.all)
    func ttlBoundaryIsExact(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("ttl")
            let start = longAgo()
            let lease = try await store.acquired(id, owner: "alpha", ttl: .seconds(60), at: start)
            #expect(micros(lease.acquiredAt) == micros(start))
            #expect(lease.expiresAt.map(micros) == micros(start.plus(.seconds(60))))

            // One microsecond before the deadline the lock is still held…
            let holder = try await store.refusedAsHeld(id, owner: "beta", at: start.plus(.seconds(60)).minus(.microseconds(1)))
            #expect(holder.token == lease.token)
            #expect(holder.until.map(micros) == micros(start.plus(.seconds(60))))
            // …and a millisecond before, too (the resolution of SQLite's own clock).
            _ = try await store.refusedAsHeld(id, owner: "beta", at: start.plus(.seconds(60)).minus(.milliseconds(1)))

            // The deadline exactly reached counts as passed.
            let takeover = try await store.acquired(id, owner: "beta", at: start.plus(.seconds(60)))
            #expect(takeover.token > lease.token)
            let recovery = try #require(takeover.recovered)
            #expect(recovery.reason == .expired)
            #expect(recovery.previous.owner == "alpha")
            #expect(recovery.previous.token == lease.token)
            #expect(micros(recovery.previous.since) == micros(start))
        }
    }

    @Test(arguments: StoreKind.all)
    func livenessBoundaryIsExact(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("liveness")
            let start = longAgo()
            let lease = try await store.acquired(id, owner: "alpha", ttl: .seconds(3600), liveness: .seconds(30), at: start)
            #expect(lease.aliveUntil.map(micros) == micros(start.plus(.seconds(30))))

            _ = try await store.refusedAsHeld(id, owner: "beta", at: start.plus(.seconds(30)).minus(.microseconds(1)))
            let takeover = try await store.acquired(id, owner: "beta", at: start.plus(.seconds(30)))
            let recovery = try #require(takeover.recovered)
            #expect(recovery.reason == .ownerDead)
            #expect(recovery.previous.owner == "alpha")
            #expect(recovery.previous.token == lease.token)
            #expect(recovery.previous.aliveUntil.map(micros) == micros(start.plus(.seconds(30))))
        }
    }

    @Test(arguments: StoreKind.all)
    func lockWithoutTTLNeverExpires(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("forever")
            let start = longAgo()
            let lease = try await store.acquired(id, owner: "alpha", ttl: nil, at: start)
            #expect(lease.expiresAt == nil)
            #expect(lease.ttl == nil)

            // Two hours later on the real clock, and a century later, it is still held.
            let holder = try await store.refusedAsHeld(id, owner: "beta")
            #expect(holder.until == nil)
            _ = try await store.refusedAsHeld(id, owner: "beta", at: start.plus(.seconds(100 * 365 * 86400)))
            #expect(try await store.lock(id)?.status == .held)
            #expect(try await store.release(lease) == .released)
        }
    }

    @Test(arguments: StoreKind.all)
    func releaseAfterTTLWithoutTakeoverReportsExpiry(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("late")
            let start = longAgo()
            let lease = try await store.acquired(id, owner: "alpha", ttl: .seconds(60), at: start)
            #expect(try await store.lock(id)?.status == .expired)

            let answer = try await store.release(lease)
            guard case .expired(let at) = answer else {
                Issue.record("expected .expired, got \(answer)")
                return
            }
            #expect(micros(at) == micros(start.plus(.seconds(60))))
            #expect(try await store.lock(id)?.status == .released)
            // The lock is free again, and not a recovery: it was released.
            let next = try await store.acquired(id, owner: "beta")
            #expect(next.recovered == nil)
        }
    }

    @Test(arguments: StoreKind.all)
    func releaseAfterTakeoverNamesTheNewHolder(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("overlap")
            let lease = try await store.acquired(id, owner: "alpha", ttl: .seconds(60), at: longAgo())
            let takeover = try await store.acquired(id, owner: "beta")
            #expect(takeover.recovered?.reason == .expired)

            let answer = try await store.release(lease)
            guard case .lost(let loss) = answer, let holder = loss.newHolder, !loss.newHolderReleased else {
                Issue.record("expected .lost to a new holder still holding, got \(answer)")
                return
            }
            #expect(holder.owner == "beta")
            #expect(holder.token == takeover.token)
            #expect(holder.token > lease.token)
            // The old holder's release left the new holder alone.
            #expect(try await store.lock(id)?.status == .held)
            #expect(try await store.lock(id)?.token == takeover.token)
            #expect(try await store.release(takeover) == .released)
            // Once the new holder has released too, it is still named, as since released.
            #expect(try await store.release(lease) == .lost(.takenOver(by: holder, released: true)))
        }
    }
}
