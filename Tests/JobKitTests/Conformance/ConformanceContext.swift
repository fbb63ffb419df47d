import Foundation
import JobKit
import Testing

/// One test's own namespace, so that tests run in parallel on one PostgreSQL database:
/// a table of its own, lock ids prefixed by its name, and a temporary directory.
struct ConformanceContext: Sendable {
    /// The test and store, e.g. `freeLockIsAcquired-SQLite`: the prefix of every lock id.
    let prefix: String
    /// A table no other test uses.
    let table: TableName
    /// A directory of its own for files (removed by ``cleanUp()``).
    let directory: URL
    /// How many runs per job the store's ledger keeps.
    var retention: RunRetention = .default

    init(kind: StoreKind) throws {
        let testName = Test.current?.name ?? "test"
        let word = String(testName.prefix { $0 != "(" }.filter { $0.isLetter || $0.isNumber }.prefix(24))
        let kindWord = String(kind.name.lowercased().filter { $0.isLetter }.prefix(6))
        let unique = String(UInt32.random(in: .min ... .max), radix: 16)
        prefix = "\(word)-\(kind.name)"
        table = try TableName("jk_\(word)_\(kindWord)_\(unique)")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobkit-\(word)-\(kindWord)-\(unique)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A path inside the test's directory.
    func file(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The test server's URL, from `JOBKIT_TEST_DATABASE_URL`.
    func postgresURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["JOBKIT_TEST_DATABASE_URL"], !url.isEmpty else {
            throw MissingTestDatabase()
        }
        return url
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The PostgreSQL runs of the suite fail, never skip, without a server to run against.
struct MissingTestDatabase: Error, CustomStringConvertible {
    var description: String {
        "JOBKIT_TEST_DATABASE_URL is not set, so the PostgreSQL store cannot be tested. Run the tests with "
            + "scripts/test (e.g. scripts/test --filter Conformance): it starts a throwaway PostgreSQL server and sets it."
    }
}
