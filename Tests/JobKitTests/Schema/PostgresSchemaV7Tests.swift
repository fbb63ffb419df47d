import Foundation
@_spi(Testing) @testable import JobKit
import Testing

/// Schema version 7 (lean functions for the mutex used without a job): a database of every
/// earlier version migrates to it keeping its locks, the store's bare acquire and release and
/// the earlier versions' functions exclude each other, and `acquire_v7`/`release_v7` answer
/// exactly as `acquire_v5`/`release_v2` do without a job.
@Suite struct PostgresSchemaV7Tests {
    typealias Database = PostgresSchemaVersionTests.Database

    /// Creates `version` as binaries of that version do: version 1 from its verbatim fixture,
    /// later ones from their steps, and the record.
    private func create(version: Int, _ database: Database) throws {
        guard version > 1 else { return try database.createVersion1() }
        let schema = PostgresSchema(table: database.table)
        for step in schema.steps where step.version <= version {
            for statement in step.statements { try PostgresTestSQL.run(database.url, statement) }
        }
        try PostgresTestSQL.run(database.url, schema.recordVersion, [String(version)])
    }

    /// The acquire a binary of `version` calls for a bare mutex: (acquired, token, owner).
    private func oldAcquire(
        version: Int, _ database: Database, _ lockID: String, owner: String
    ) throws -> (acquired: Bool, token: Int64, owner: String?) {
        let t = database.table
        let call = switch version {
        case 1: "\(t.quoted(suffix: "_acquire"))($1, $2, 600000000, 30000000, NULL)"
        case 2...4: "\(t.quoted(suffix: "_acquire_v2"))($1, $2, 600000000, 30000000, NULL, NULL, NULL, NULL, NULL)"
        default: "\(t.quoted(suffix: "_acquire_v5"))($1, $2, 600000000, 30000000, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
        }
        let row = try #require(try PostgresTestSQL.rows(
            database.url, "SELECT o_acquired, o_token, o_owner FROM \(call)", [lockID, owner]
        ).first)
        return (row[0] == "t", Int64(row[1] ?? "") ?? -1, row[2])
    }

    /// The release a binary of `version` calls for a bare mutex: its outcome.
    private func oldRelease(version: Int, _ database: Database, _ lockID: String, token: Int64) throws -> String? {
        let t = database.table
        let call = version == 1
            ? "\(t.quoted(suffix: "_release"))($1, $2::bigint, true)"
            : "\(t.quoted(suffix: "_release_v2"))($1, $2::bigint, true, NULL, NULL)"
        return try PostgresTestSQL.value(database.url, "SELECT o_outcome FROM \(call)", [lockID, String(token)])
    }

    private func request(_ lockID: String) -> LockRequest {
        LockRequest(lockID: lockID, owner: "new-binary", ttl: .seconds(60), liveness: .seconds(30))
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func anEarlierDatabaseMigratesToVersion7AndTheBareMutexAndOldBinariesExcludeEachOther(_ version: Int) async throws {
        let name = "\(Test.current?.name ?? "test")-v\(version)"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try create(version: version, database)
            let old = try oldAcquire(version: version, database, "lock", owner: "old-binary")
            #expect(old.acquired)

            let store = try database.store()
            try store.migrate()
            #expect(try database.recordedVersion() == PostgresSchema.currentVersion)
            for function in ["_acquire_v7", "_release_v7"] {
                #expect(try PostgresTestSQL.value(
                    database.url, "SELECT to_regproc($1) IS NOT NULL", [database.table.quoted(suffix: function)]
                ) == "t")
            }

            // The old binary's lock holds against the new bare acquire.
            let refused = try #require(try store.acquire(request("lock")).refusal)
            #expect(refused.holder?.owner == "old-binary" && refused.holder?.token == old.token)
            #expect(try oldRelease(version: version, database, "lock", token: old.token) == "released")

            // The new bare acquire holds against the old binary, and draws a greater token.
            let lease = try #require(try store.acquire(request("lock")).lease)
            #expect(lease.token > old.token && lease.recovered == nil)
            let oldRefused = try oldAcquire(version: version, database, "lock", owner: "old-binary")
            #expect(!oldRefused.acquired && oldRefused.owner == "new-binary" && oldRefused.token == lease.token)
            #expect(try store.release(lease) == .released)

            // The old binary's functions keep working on the migrated table.
            let again = try oldAcquire(version: version, database, "lock", owner: "old-binary")
            #expect(again.acquired && again.token > lease.token)
            #expect(try oldRelease(version: version, database, "lock", token: again.token) == "released")
        }
    }

    @Test func aStoreThatMayNotMigrateUsesTheVersion6FunctionsOfAVersion6Database() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try create(version: 6, database)
            let store = try database.store(migratesAutomatically: false)
            let lease = try #require(try store.acquire(request("lock")).lease)
            #expect(try oldAcquire(version: 6, database, "lock", owner: "old-binary").owner == "new-binary")
            #expect(try store.release(lease) == .released)
            #expect(try database.recordedVersion() == 6, "nothing migrated")
            #expect(try PostgresTestSQL.value(
                database.url, "SELECT to_regproc($1) IS NULL", [database.table.quoted(suffix: "_acquire_v7")]
            ) == "t")
        }
    }

    /// A version-6 schema in `setup`'s schema, as an operator's `jobkit migrate` of that
    /// version left it, and a store for `setup`'s role that migrates automatically (the default).
    private func version6Store(_ setup: PostgresLeastPrivilegeTests.Setup) throws -> (PostgresLockStore, TableName) {
        let table = try TableName("\(setup.schema).jobkit_locks")
        let schema = PostgresSchema(table: table)
        for step in schema.steps where step.version <= 6 {
            for statement in step.statements { try PostgresTestSQL.run(setup.adminURL, statement) }
        }
        try PostgresTestSQL.run(setup.adminURL, schema.recordVersion, ["6"])
        var configuration = PostgresLockStore.Configuration()
        configuration.table = table
        return (try PostgresLockStore(url: setup.roleURL, configuration: configuration), table)
    }

    @Test func aRoleThatMayNotCreateKeepsWorkingOnAVersion6SchemaWithItsFunctions() async throws {
        try await offPool {
            let setup = try PostgresLeastPrivilegeTests.Setup()
            defer { setup.tearDown() }
            let (store, table) = try version6Store(setup)
            try setup.grant()
            // The role may not create the new functions, so the store uses version 6 as it is.
            let lease = try #require(try store.acquire(request("lock")).lease)
            #expect(try store.release(lease) == .released)
            #expect(try PostgresTestSQL.value(setup.adminURL, "SELECT version FROM \(table.quoted(suffix: "_schema"))") == "6")
            #expect(throws: SchemaVersionError.self, "jobkit migrate with this role still says what is missing") {
                try store.migrate()
            }
        }
    }

    /// On that version-6 schema, a role without its grant on the run ledger is told so at its
    /// first operation, naming what it lacks, and nothing is taken.
    @Test func onAVersion6SchemaARoleMissingAGrantIsToldWhichAtFirstUse() async throws {
        try await offPool {
            let setup = try PostgresLeastPrivilegeTests.Setup()
            defer { setup.tearDown() }
            let (store, table) = try version6Store(setup)
            try setup.grant(leavingOut: "jobkit_locks_runs")
            let error = #expect(throws: StorePrivilegeError.self) { try store.acquire(request("lock")) }
            #expect(error?.missing.contains("INSERT on \(table.quoted(suffix: "_runs"))") == true, "\(String(describing: error))")
            #expect(try PostgresTestSQL.value(setup.adminURL, "SELECT count(*) FROM \(table.quoted)") == "0")
        }
    }

    /// Every answer of the lock contract without a job, on two locks taken through the two sets
    /// of functions at the same pretended server times: the same rows, column for column.
    @Test func version7AnswersExactlyAsVersion5DoesWithoutAJob() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try database.store().migrate()
            let t = database.table
            let base: Int64 = 1_900_000_000_000_000   // a server time in 2030: no lease made at it expires now
            let realNow = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())

            func acquire(_ v7: Bool, owner: String, at: Int64, tick: Int64? = nil, ttl: Int64 = 60_000_000) throws -> [String?] {
                let lockID = v7 ? "b" : "a"
                let tickSQL = tick.map(String.init) ?? "NULL"
                let call = v7
                    ? "\(t.quoted(suffix: "_acquire_v7"))($1, $2, \(ttl), 30000000, \(tickSQL), \(at))"
                    : "\(t.quoted(suffix: "_acquire_v5"))($1, $2, \(ttl), 30000000, \(tickSQL), NULL, NULL, NULL, \(at), NULL, NULL)"
                let columns = "o_acquired, o_token, o_owner, o_acquired_us, o_expires_us, o_alive_us, o_last_tick_us, "
                    + "o_prev_owner, o_prev_token, o_prev_acquired_us, o_prev_expires_us, o_prev_alive_us, o_reason, o_prev_tick_us"
                return try #require(try PostgresTestSQL.rows(database.url, "SELECT \(columns) FROM \(call)", [lockID, owner]).first)
            }
            func release(_ v7: Bool, token: String?) throws -> [String?] {
                let call = v7
                    ? "\(t.quoted(suffix: "_release_v7"))('b', $1::bigint, true)"
                    : "\(t.quoted(suffix: "_release_v2"))('a', $1::bigint, true, NULL, NULL)"
                return try #require(try PostgresTestSQL.rows(database.url, "SELECT * FROM \(call)", [token ?? "0"]).first)
            }
            /// Runs `step` on both locks and expects the same answer; returns it.
            @discardableResult
            func same(_ what: String, _ step: (Bool) throws -> [String?]) throws -> [String?] {
                let old = try step(false)
                let new = try step(true)
                #expect(old == new, "\(what): acquire_v5/release_v2 answered \(old), version 7 \(new)")
                return new
            }
            let second: Int64 = 1_000_000

            let first = try same("absent") { try acquire($0, owner: "o1", at: base) }
            #expect(first[0] == "t" && first[1] == String(base))
            let held = try same("held") { try acquire($0, owner: "o2", at: base + second) }
            #expect(held[0] == "f" && held[12] == "lock_held" && held[2] == "o1")
            let dead = try same("owner dead") { try acquire($0, owner: "o2", at: base + 31 * second) }
            #expect(dead[12] == "owner_dead" && dead[7] == "o1")
            let takenOver = try same("taken over") { try release($0, token: first[1]) }
            #expect(takenOver[0] == "taken_over" && takenOver[2] == "o2")
            let expired = try same("expired") { try acquire($0, owner: "o3", at: base + 92 * second) }
            #expect(expired[12] == "expired" && expired[7] == "o2")
            #expect(try same("released") { try release($0, token: expired[1]) }[0] == "released")
            #expect(try same("released again") { try release($0, token: expired[1]) }[0] == "released")
            #expect(try same("taken over, released") { try release($0, token: dead[1]) }[0] == "taken_over_released")
            let tick = base + 1000 * second
            let ticked = try same("after a release, with a tick") { try acquire($0, owner: "o4", at: base + 100 * second, tick: tick) }
            #expect(ticked[12] == "released" && ticked[7] == nil && ticked[6] == String(tick))
            try same("release") { try release($0, token: ticked[1]) }
            let alreadyRan = try same("already ran") { try acquire($0, owner: "o5", at: base + 101 * second, tick: tick) }
            #expect(alreadyRan[12] == "already_ran")
            let behind = try same("clock behind the last token") { try acquire($0, owner: "o5", at: base, tick: tick + 1) }
            #expect((Int64(behind[1] ?? "") ?? 0) == (Int64(ticked[1] ?? "") ?? 0) + 1, "previous + 1")
            try same("release") { try release($0, token: behind[1]) }
            // A lease whose TTL ran out on the real clock before its release.
            let short = try same("short") { try acquire($0, owner: "o6", at: realNow - 120 * second, ttl: second) }
            let late = try same("late release") { try release($0, token: short[1]) }
            #expect(late[0] == "expired" && late[1] == String(realNow - 119 * second))
            #expect(try same("expired, released again") { try release($0, token: short[1]) }[0] == "expired")
            // Force-released while held: the same outcome (its time is the server's clock, different per lock).
            let forced = try same("before a force-release") { try acquire($0, owner: "o7", at: realNow) }
            for lock in ["a", "b"] { #expect(try database.store().forceRelease(lock)) }
            #expect(try release(false, token: forced[1])[0] == "force_released")
            #expect(try release(true, token: forced[1])[0] == "force_released")
        }
    }
}
