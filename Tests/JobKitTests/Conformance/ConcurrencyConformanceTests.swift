import Foundation
import JobKit
import Testing

/// Many acquirers at once: exactly one wins, whether the lock is free or being taken over.
@Suite struct ConcurrencyConformanceTests {
    private static let racers = 8

    /// Starts every racer at once; returns the leases of the winners.
    private func race(_ store: StoreUnderTest, _ id: String) async throws -> [Lease] {
        try await withThrowingTaskGroup(of: Lease?.self) { group in
            for racer in 0..<Self.racers {
                group.addTask { try await store.acquire(id, owner: "racer-\(racer)").lease }
            }
            return try await group.reduce(into: []) { if let lease = $1 { $0.append(lease) } }
        }
    }

    @Test(arguments: StoreKind.all)
    func concurrentAcquirersOfAFreeLockHaveOneWinner(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let winners = try await race(store, store.id("free"))
            #expect(winners.count == 1)
        }
    }

    @Test(arguments: StoreKind.all)
    func concurrentTakeoversOfAnExpiredLockHaveOneWinner(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("expired")
            let old = try await store.acquired(id, owner: "old", ttl: .seconds(60), at: longAgo())
            let winners = try await race(store, id)
            #expect(winners.count == 1)
            #expect(winners.first?.recovered?.previous.token == old.token)
            #expect(try await store.lock(id)?.token == winners.first?.token)
        }
    }
}
