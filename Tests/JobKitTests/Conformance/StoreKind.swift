@_spi(Testing) import JobKit
import Testing

/// A store the conformance suite runs against: every `@Test(arguments: StoreKind.all)` runs
/// once per entry.
///
/// **Adding a store to the suite is one line in ``all``**: a name, and how to open the store
/// in a test's own namespace (its table, its temporary directory). The store must be able to
/// act at a given time, which a store with an `@_spi(Testing) acquire(_:now:)` gets from one
/// line in `TimeSteerableLockStore.swift`.
struct StoreKind: Sendable, CustomTestStringConvertible {
    /// How the store is named in test results.
    let name: String
    /// Opens a fresh store for one test.
    let open: @Sendable (ConformanceContext) throws -> any TimeSteerableLockStore

    init(_ name: String, open: @escaping @Sendable (ConformanceContext) throws -> any TimeSteerableLockStore) {
        self.name = name
        self.open = open
    }

    var testDescription: String { name }

    static let all: [StoreKind] = [
        StoreKind("PostgreSQL") { try PostgresLockStore(url: $0.postgresURL(), configuration: .init(table: $0.table, retention: $0.retention)) },
        StoreKind("SQLite") { try SQLiteLockStore(path: $0.file("locks.sqlite"), configuration: .init(table: $0.table, retention: $0.retention)) },
        StoreKind("memory") { InMemoryLockStore(retention: $0.retention) },
    ]
}
