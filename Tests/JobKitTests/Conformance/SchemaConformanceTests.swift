import Foundation
import JobKit
import Testing

/// The schema: created on first use or by `migrate()`, which keeps every row and token.
@Suite struct SchemaConformanceTests {
    @Test(arguments: StoreKind.all)
    func firstUseWorksWithoutMigrate(_ kind: StoreKind) async throws {
        try await kind.withStore(migrate: false) { store in
            #expect(try await store.locks().isEmpty)
            let lease = try await store.acquired(store.id("first"), owner: "alpha")
            #expect(try await store.release(lease) == .released)
        }
    }

    @Test(arguments: StoreKind.all)
    func migrateAgainKeepsRowsAndTokens(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("kept")
            let lease = try await store.acquired(id, owner: "alpha", tick: Date(timeIntervalSince1970: 1_795_000_020))
            try await store.migrate()
            try await store.migrate()
            let row = try #require(try await store.lock(id))
            #expect(row.status == .held)
            #expect(row.token == lease.token)
            #expect(row.lastTick != nil)
            _ = try await store.release(lease)
            #expect(try await store.acquired(id, owner: "beta").token > lease.token)
        }
    }

    @Test(arguments: StoreKind.all)
    func aSecondStoreOnTheSameDatabaseSeesTheSameLocks(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            guard let other = try kind.reopen(store) else { return }   // memory: one instance is the store
            let id = store.id("shared")
            try await other.migrate()
            let lease = try await store.acquired(id, owner: "alpha")
            #expect(try await other.refusedAsHeld(id, owner: "beta").token == lease.token)
            #expect(try await other.release(lease) == .released, "any connection may release by token")
            let next = try await other.acquired(id, owner: "beta")
            #expect(next.token > lease.token)
            #expect(try await store.lock(id)?.owner == "beta")
        }
    }
}
