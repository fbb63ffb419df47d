import Foundation
@_spi(Testing) import JobKit
import Testing

/// The PostgreSQL server the tests talk to: `JOBKIT_TEST_DATABASE_URL`, set by `scripts/test`.
///
/// A PostgreSQL test run without it fails with a message saying how to run the tests; it
/// never skips silently.
enum TestDatabase {
    static let environmentVariable = "JOBKIT_TEST_DATABASE_URL"

    static var url: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment[environmentVariable], !url.isEmpty else {
                throw MissingTestDatabase()
            }
            return url
        }
    }

    /// Whether `scripts/test` started the server itself, so tests may stop and restart it.
    static var isThrowaway: Bool { ProcessInfo.processInfo.environment["JOBKIT_TEST_PG_DIR"] != nil }

    /// A store on the test database with a table of its own, named after `test`, so tests run
    /// in parallel without seeing each other's rows.
    static func store(
        table test: String, configure: (inout PostgresLockStore.Configuration) -> Void = { _ in }
    ) throws -> PostgresLockStore {
        var configuration = PostgresLockStore.Configuration()
        configuration.table = try TableName(tableName(for: test))
        configure(&configuration)
        return try PostgresLockStore(url: url, configuration: configuration)
    }

    /// A valid, unique table name for a test.
    static func tableName(for test: String) -> String {
        let cleaned = test.lowercased().unicodeScalars.map { scalar -> String in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? String(scalar) : "_"
        }.joined()
        return "t_" + String(cleaned.prefix(30)) + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    /// Whether this is the server-control phase of `scripts/test`, where tests may stop and
    /// restart the throwaway server because nothing else runs.
    static var mayControlServer: Bool {
        isThrowaway && ProcessInfo.processInfo.environment["JOBKIT_TEST_SERVER_CONTROL"] == "1"
    }

    /// Runs `scripts/test-postgres ACTION` (stop, restart, pause-start) on the throwaway server.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid`: Foundation's `Process` waits for
    /// a descriptor that the (re)started server daemon inherits, and would never return.
    static func control(_ action: String) throws {
        let script = packageRoot + "/scripts/test-postgres"
        var pid: pid_t = 0
        let arguments = [script, action]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, script, nil, nil, argv, environ)
        guard spawned == 0 else { throw ControlFailed(action: action, status: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status >> 8) & 0xff
        guard status & 0x7f == 0, exitCode == 0 else { throw ControlFailed(action: action, status: status) }
    }

    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    struct MissingTestDatabase: Error, CustomStringConvertible {
        var description: String {
            "JOBKIT_TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts a throwaway PostgreSQL."
        }
    }

    struct ControlFailed: Error, CustomStringConvertible {
        let action: String
        let status: Int32
        var description: String { "scripts/test-postgres \(action) exited with status \(status)" }
    }
}
