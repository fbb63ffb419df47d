import Foundation
import JobKit
import Testing

/// Lock ids: 1 to 255 Unicode scalars, no NUL, everything else kept verbatim and harmless.
@Suite struct LockIDConformanceTests {
    @Test(arguments: StoreKind.all)
    func invalidIDsAreRejectedBeforeTheDatabase(_ kind: StoreKind) async throws {
        try await kind.withStore { (store) async throws in
            let tooLong = String(repeating: "x", count: 256)
            for id in ["", tooLong, "nul\0inside"] {
                await #expect(throws: InvalidLockIDError.self, "acquire \(id.debugDescription)") {
                    _ = try await store.acquire(id, owner: "alpha")
                }
                await #expect(throws: InvalidLockIDError.self, "force-release \(id.debugDescription)") {
                    _ = try await store.forceRelease(id)
                }
            }
            #expect(try await store.locks().isEmpty)
        }
    }

    @Test(arguments: StoreKind.all)
    func idOf255ScalarsIsAcceptedAnd256Rejected(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // Multi-byte scalars: the limit counts scalars, not bytes (here 700+ bytes of UTF-8).
            let base = store.id("long-")
            let padding = String(repeating: "é🔒", count: 200).unicodeScalars.prefix(255 - base.unicodeScalars.count)
            var id = base
            id.unicodeScalars.append(contentsOf: padding)
            #expect(id.unicodeScalars.count == 255)

            let lease = try await store.acquired(id, owner: "alpha")
            #expect(try await store.lock(id)?.lockID == id)
            _ = try await store.refusedAsHeld(id, owner: "beta")
            #expect(try await store.release(lease) == .released)

            var longer = id
            longer.unicodeScalars.append("x")
            await #expect(throws: InvalidLockIDError.self) { _ = try await store.acquire(longer, owner: "alpha") }
        }
    }

    @Test(arguments: StoreKind.all)
    func hostileIDsAreKeptVerbatimAndHarmless(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let table = store.context.table.name
            let ids = [
                store.id("it's \"quoted\""),
                store.id(#"back\slash\\ and \"escaped\" \n"#),
                store.id("emoji 🔒🧵👩🏽‍💻"),
                store.id("'; DROP TABLE \(table); --"),
                store.id("\"; DROP TABLE \"\(table)\"; --"),
                store.id("') OR 1=1; --"),
                store.id("% _ * ? [a-z] LIKE wildcards"),
                store.id("  spaces and\ttab  "),
            ]
            var leases: [Lease] = []
            for id in ids {
                leases.append(try await store.acquired(id, owner: "alpha"))
            }
            // Each id matched itself only: held, and refused to others.
            for id in ids {
                let holder = try await store.refusedAsHeld(id, owner: "beta")
                #expect(holder.owner == "alpha")
            }
            let listed = try await store.locks().map(\.lockID)
            #expect(Set(listed) == Set(ids))
            #expect(listed.count == ids.count)
            for lease in leases {
                #expect(try await store.heartbeat(lease) == .alive(expired: false))
                #expect(try await store.release(lease) == .released)
            }
            #expect(try await store.forceRelease(ids[3]) == false)

            // The table is still there, rows and all.
            #expect(try await store.locks().count == ids.count)
            _ = try await store.acquired(store.id("after"), owner: "alpha")
        }
    }
}
