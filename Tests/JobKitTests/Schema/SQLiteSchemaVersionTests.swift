import CSQLite
import Foundation
import JobKit
import Testing

/// The SQLite schema's version: a file of version 1 is migrated when a store opens it,
/// keeping its locks and tokens; a store that may not migrate refuses an old file.
@Suite struct SQLiteSchemaVersionTests {
    struct Failed: Error, CustomStringConvertible { let description: String }

    /// Runs `sql` on the file at `path` with a connection of its own; returns the first column
    /// of the first row, as an integer.
    @discardableResult
    static func exec(_ path: String, _ sql: String) throws -> Int64? {
        var handle: OpaquePointer?
        guard sqlite3_open(path, &handle) == SQLITE_OK, let handle else { throw Failed(description: "cannot open \(path)") }
        defer { sqlite3_close(handle) }
        final class Box { var value: Int64? }
        let box = Box()
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, { context, count, values, _ in
            let box = Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue()
            if box.value == nil, count > 0, let text = values?[0] { box.value = Int64(String(cString: text)) }
            return 0
        }, Unmanaged.passUnretained(box).toOpaque(), &message)
        guard code == SQLITE_OK else {
            defer { sqlite3_free(message) }
            throw Failed(description: "\(sql): \(message.map { String(cString: $0) } ?? "error \(code)")")
        }
        return box.value
    }

    @Test func aVersion1FileIsMigratedOnOpenKeepingItsLocksAndTokens() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v1.sqlite")
        let table = TableName.default
        for statement in SQLiteSchemaV1Fixture(table: table).migration { try Self.exec(path, statement) }
        // A lock an old binary holds, with token 41 (the counter says 41 were handed out).
        let farFuture = Int64(Date().addingTimeInterval(3600).timeIntervalSince1970 * 1_000_000)
        try Self.exec(path, """
            INSERT INTO jobkit_locks (lock_id, owner, token, acquired_at, expires_at) VALUES ('old', 'old-binary', 41, 0, \(farFuture));
            UPDATE jobkit_locks_token_seq SET value = 41;
            """)

        let store = try SQLiteLockStore(path: path)
        #expect(try Self.exec(path, "SELECT version FROM jobkit_locks_schema") == 5)
        let refused = try store.acquire(LockRequest(lockID: "old", owner: "new-binary", ttl: .seconds(60), liveness: nil))
        guard case .refused(let error) = refused, let holder = error.holder else {
            Issue.record("expected the old binary's lock to hold, got \(refused)")
            return
        }
        #expect(holder.owner == "old-binary" && holder.token == 41)
        guard case .acquired(let lease) = try store.acquire(LockRequest(lockID: "other", owner: "new-binary", ttl: .seconds(60), liveness: nil)) else {
            Issue.record("expected to acquire a free lock")
            return
        }
        #expect(lease.token == 42, "tokens continue from the old counter")
    }

    /// Version 2 is made by taking version 5's objects off a migrated file.
    @Test func aVersion2FileMigratesToVersion5KeepingItsRuns() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v2.sqlite")
        let tick = Date(timeIntervalSince1970: 1_795_000_000)
        do {
            let store = try SQLiteLockStore(path: path)
            let request = LockRequest(
                lockID: "job", owner: "v2-binary", ttl: .seconds(60), liveness: nil, tick: tick,
                run: RunStart(job: "job", jobType: "shell")
            )
            let lease = try #require(try store.acquire(request).lease)
            _ = try store.release(lease, ending: RunEnd(outcome: .succeeded))
        }
        try Self.exec(path, """
            DROP TABLE jobkit_locks_controls; DROP TABLE jobkit_locks_triggers;
            ALTER TABLE jobkit_locks_runs DROP COLUMN kind; UPDATE jobkit_locks_schema SET version = 2;
            """)
        let store = try SQLiteLockStore(path: path)
        #expect(try Self.exec(path, "SELECT version FROM jobkit_locks_schema") == 5)
        let runs = try store.runs(of: "job", limit: 10)
        #expect(runs.count == 1 && runs.first?.kind == .scheduled && runs.first?.outcome == .succeeded)
        _ = try store.pause("job", reason: nil, by: "ops")
        #expect(try store.pauses().map(\.job) == ["job"])
    }

    @Test func aStoreThatMayNotMigrateRefusesAVersion1File() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v1.sqlite")
        for statement in SQLiteSchemaV1Fixture(table: .default).migration { try Self.exec(path, statement) }
        var configuration = SQLiteLockStore.Configuration()
        configuration.migratesAutomatically = false
        let store = try SQLiteLockStore(path: path, configuration: configuration)
        let error = try #require(throws: SchemaVersionError.self) {
            try store.acquire(LockRequest(lockID: "x", owner: "new", ttl: .seconds(60), liveness: nil))
        }
        #expect(error.found == 1 && error.description.contains("jobkit migrate"))
        try store.migrate()
        #expect(try store.acquire(LockRequest(lockID: "x", owner: "new", ttl: .seconds(60), liveness: nil)).lease != nil)
    }
}
