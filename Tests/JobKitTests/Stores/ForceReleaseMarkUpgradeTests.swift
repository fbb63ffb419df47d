import Foundation
import JobKit
import Testing

/// A lock table made before the force-release mark existed gains it on migration, keeping its
/// rows; on PostgreSQL the store then uses version 2's functions, which report the mark,
/// whatever version 1's functions look like (they are left to version-1 binaries).
@Suite struct ForceReleaseMarkUpgradeTests {
    @Test func anOlderSQLiteTableGainsTheMarkAndKeepsItsRows() async throws {
        try await offPool {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("jobkit-upgrade-\(UInt32.random(in: .min ... .max))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("old.sqlite").path
            // The table as JobKit created it before the mark.
            try SQLiteTestSQL.run(path, """
                CREATE TABLE "jobkit_locks" (lock_id TEXT PRIMARY KEY NOT NULL, owner TEXT NOT NULL, token INTEGER NOT NULL,
                    acquired_at INTEGER NOT NULL, expires_at INTEGER, alive_until INTEGER, released_at INTEGER,
                    last_tick INTEGER) WITHOUT ROWID
                """)
            try SQLiteTestSQL.run(path, #"INSERT INTO "jobkit_locks" VALUES ('old', 'alpha', 7, 0, NULL, NULL, NULL, NULL)"#)

            let store = try SQLiteLockStore(path: path)
            #expect(try store.locks().map(\.token) == [7], "the old row survives")
            #expect(try store.forceRelease("old"))
            let old = Lease(
                lockID: "old", token: 7, owner: "alpha", acquiredAt: Date(timeIntervalSince1970: 0), expiresAt: nil,
                aliveUntil: nil, tick: nil, recovered: nil
            )
            let answer = try store.release(old)
            guard case .lost(let loss) = answer else {
                Issue.record("expected the force-released lease to be lost, got \(answer)")
                return
            }
            #expect(loss.isForceReleased)
            #expect(try store.acquire(LockRequest(lockID: "old", owner: "beta", ttl: nil, liveness: nil)).lease?.token ?? 0 > 7)
        }
    }

    @Test func anOlderPostgresTableGainsTheMarkAndVersion2FunctionsReportIt() async throws {
        try await offPool {
            guard let url = ProcessInfo.processInfo.environment["JOBKIT_TEST_DATABASE_URL"], !url.isEmpty else {
                throw MissingTestDatabase()
            }
            let schema = "jk_upgrade_\(String(UInt32.random(in: .min ... .max), radix: 16))"
            defer { try? PostgresTestSQL.run(url, "DROP SCHEMA IF EXISTS \(schema) CASCADE") }
            // The table and the two functions with the result columns JobKit used before the mark.
            try PostgresTestSQL.run(url, """
                CREATE SCHEMA \(schema);
                CREATE TABLE \(schema).locks (lock_id text PRIMARY KEY, token bigint NOT NULL, owner text NOT NULL,
                    acquired_at timestamptz NOT NULL, expires_at timestamptz, alive_until timestamptz,
                    released_at timestamptz, last_tick timestamptz);
                CREATE FUNCTION \(schema).locks_heartbeat(p_lock_id text, p_token bigint, p_live_us bigint)
                RETURNS TABLE (o_alive boolean, o_expired boolean, o_owner text, o_token bigint, o_acquired_us bigint,
                    o_expires_us bigint, o_alive_us bigint)
                LANGUAGE sql AS 'SELECT true, false, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint';
                CREATE FUNCTION \(schema).locks_release(p_lock_id text, p_token bigint, p_relaxed boolean)
                RETURNS TABLE (o_outcome text, o_expired_us bigint, o_owner text, o_token bigint, o_acquired_us bigint,
                    o_expires_us bigint, o_alive_us bigint)
                LANGUAGE sql AS 'SELECT ''released''::text, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint';
                """)
            var configuration = PostgresLockStore.Configuration()
            configuration.table = try TableName("\(schema).locks")
            configuration.maximumConnections = 1
            let store = try PostgresLockStore(url: url, configuration: configuration)
            try store.migrate()
            try store.migrate()   // and again: nothing left to drop

            let lease = try #require(try store.acquire(LockRequest(lockID: "up", owner: "alpha", ttl: nil, liveness: .seconds(30))).lease)
            #expect(try store.forceRelease("up"))
            let beat = try store.heartbeat(lease, window: .seconds(30))
            let release = try store.release(lease)
            guard case .lost(let beatLoss) = beat, case .lost(let releaseLoss) = release else {
                Issue.record("expected both answers to say the lease was lost, got \(beat) and \(release)")
                return
            }
            #expect(beatLoss.isForceReleased)
            #expect(releaseLoss == beatLoss)
        }
    }
}
