import Foundation
import JobKit
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What only the SQLite store has: a file to open, and several connections sharing it.
@Suite struct SQLiteLockStoreTests {
    /// A fresh directory for one test, removed afterwards.
    private func withDirectory<R>(_ body: (URL) async throws -> R) async throws -> R {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("jobkit-sqlite-\(UInt32.random(in: .min ... .max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    private func request(_ id: String, _ owner: String, ttl: Duration? = .seconds(60)) -> LockRequest {
        LockRequest(lockID: id, owner: owner, ttl: ttl, liveness: nil)
    }

    @Test func missingDirectoryIsACannotOpenErrorNamingThePath() async throws {
        try await withDirectory { directory in
            let path = directory.appendingPathComponent("no/such/dir/locks.sqlite").path
            let error = try #require(throws: SQLiteError.self) { try SQLiteLockStore(path: path) }
            #expect(error.code == .cannotOpen)
            #expect(error.path == path)
            #expect(error.description.contains(path))
            #expect(error.description.contains("does not exist"))
        }
    }

    @Test func directoryAsPathIsACannotOpenError() async throws {
        try await withDirectory { directory in
            let error = try #require(throws: SQLiteError.self) { try SQLiteLockStore(path: directory.path) }
            #expect(error.code == .cannotOpen)
            #expect(error.description.contains(directory.path))
            #expect(error.description.contains("is a directory"))
        }
    }

    @Test func textFileIsANotADatabaseErrorNamingThePath() async throws {
        try await withDirectory { directory in
            let path = directory.appendingPathComponent("notes.txt").path
            try Data(String(repeating: "These are not the locks you are looking for.\n", count: 100).utf8)
                .write(to: URL(fileURLWithPath: path))
            let error = try #require(throws: SQLiteError.self) { try SQLiteLockStore(path: path) }
            #expect(error.code == .notADatabase)
            #expect(error.path == path)
            #expect(error.description.contains(path))
            #expect(error.description.contains("not an SQLite database"))
            // The file is left as it was.
            #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("These are not"))
        }
    }

    /// sysfs lets nobody create files, root included: a permission failure every run can see.
    @Test func directoryWithoutWritePermissionIsACannotOpenErrorNamingThePath() throws {
        let path = "/sys/jobkit-locks-\(UInt32.random(in: .min ... .max)).sqlite"
        let error = try #require(throws: SQLiteError.self) { try SQLiteLockStore(path: path) }
        #expect(error.code == .cannotOpen)
        #expect(error.path == path)
        #expect(error.description.contains(path))
    }

    /// Root reads and writes any file, so the permission check only shows for other users.
    @Test(.enabled(if: getuid() != 0, "root ignores file permissions"))
    func unwritableFileIsACannotOpenError() async throws {
        try await withDirectory { directory in
            let path = directory.appendingPathComponent("locks.sqlite").path
            _ = try SQLiteLockStore(path: path)
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
            let error = try #require(throws: SQLiteError.self) { try SQLiteLockStore(path: path) }
            #expect(error.code == .cannotOpen)
            #expect(error.description.contains(path))
        }
    }

    @Test func relativePathIsResolvedAgainstTheWorkingDirectory() throws {
        let store = try SQLiteLockStore(path: "relative-\(UInt32.random(in: .min ... .max)).sqlite")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + suffix) }
        }
        #expect(store.path.hasPrefix("/"))
        #expect(store.path.hasPrefix(FileManager.default.currentDirectoryPath))
        #expect(store.description.contains(store.path))
    }

    @Test func schemaQualifiedTableIsRefused() async throws {
        try await withDirectory { directory in
            var configuration = SQLiteLockStore.Configuration()
            configuration.table = try TableName("ops.locks")
            let error = try #require(throws: SQLiteError.self) {
                try SQLiteLockStore(path: directory.appendingPathComponent("x.sqlite").path, configuration: configuration)
            }
            #expect(error.code == .invalidConfiguration)
            #expect(error.description.contains("ops.locks"))
        }
    }

    @Test func twoConnectionsOnOneFileSeeEachOthersLocks() async throws {
        try await withDirectory { directory in
            let path = directory.appendingPathComponent("shared.sqlite").path
            let first = try SQLiteLockStore(path: path)
            let second = try SQLiteLockStore(path: path)

            let lease = try #require(try first.acquire(request("job", "alpha")).lease)
            let refusal = try #require(try second.acquire(request("job", "beta")).refusal)
            #expect(refusal.holder?.owner == "alpha")
            #expect(refusal.holder?.token == lease.token)
            #expect(try second.locks().map(\.status) == [.held])

            #expect(try first.release(lease) == .released)
            let next = try #require(try second.acquire(request("job", "beta")).lease)
            #expect(next.token > lease.token)
            #expect(try first.locks().first?.owner == "beta")
            #expect(try second.forceRelease("job"))
            let beat = try first.heartbeat(next, window: .seconds(30))
            guard case .lost(let loss) = beat else {
                Issue.record("expected the force-released lease to be lost, got \(beat)")
                return
            }
            #expect(loss.isForceReleased, "another connection's force-release is seen as one")

            // The file is in WAL mode.
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test func tokensKeepGrowingAfterTheFileIsReopened() async throws {
        try await withDirectory { directory in
            let path = directory.appendingPathComponent("reopen.sqlite").path
            var lastToken: Int64 = 0
            for round in 0..<3 {
                let store = try SQLiteLockStore(path: path)
                let lease = try #require(try store.acquire(request("job", "round-\(round)")).lease)
                #expect(lease.token > lastToken)
                lastToken = lease.token
                #expect(try store.forceRelease("job"))
            }
        }
    }

    @Test func tablesWithDifferentNamesInOneFileAreIndependent() async throws {
        try await withDirectory { directory in
            let path = directory.appendingPathComponent("two-tables.sqlite").path
            var configuration = SQLiteLockStore.Configuration()
            configuration.table = try TableName("other_locks")
            let plain = try SQLiteLockStore(path: path)
            let other = try SQLiteLockStore(path: path, configuration: configuration)
            _ = try #require(try plain.acquire(request("job", "alpha")).lease)
            _ = try #require(try other.acquire(request("job", "beta")).lease)
            #expect(other.table.name == "other_locks")
            #expect(other.description.contains("other_locks"))
        }
    }

    @Test func concurrentAcquirersOnSeparateConnectionsHaveExactlyOneWinner() async throws {
        try await withDirectory { directory in
            let path = directory.appendingPathComponent("race.sqlite").path
            let stores = try (0..<6).map { _ in try SQLiteLockStore(path: path) }
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, store) in stores.enumerated() {
                    let request = request("race", "racer-\(index)")
                    group.addTask { try await offPool { try store.acquire(request).lease != nil } }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }

    @Test func timesComeFromSQLitesClockInWholeMilliseconds() async throws {
        try await withDirectory { directory in
            let store = try SQLiteLockStore(path: directory.appendingPathComponent("clock.sqlite").path)
            let before = Date()
            let lease = try #require(try store.acquire(request("job", "alpha")).lease)
            #expect(micros(lease.acquiredAt) % 1000 == 0)
            #expect(abs(lease.acquiredAt.timeIntervalSince(before)) < 60)
        }
    }

    @Test func busyDatabaseFailsAfterTheBusyTimeoutWithAClearError() async throws {
        try await withDirectory { directory in
            let path = directory.appendingPathComponent("busy.sqlite").path
            var configuration = SQLiteLockStore.Configuration()
            configuration.busyTimeout = .milliseconds(100)
            let store = try SQLiteLockStore(path: path, configuration: configuration)
            // Another process holds the write lock (here: a raw connection in a transaction).
            let blocker = try SQLiteWriteLockHolder(path: path)
            defer { blocker.release() }
            let error = try #require(throws: SQLiteError.self) { try store.acquire(request("job", "alpha")) }
            #expect(error.code == .busy)
            #expect(error.description.contains(path))
            #expect(error.description.contains("0.1 s"))
        }
    }
}
