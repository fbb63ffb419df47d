import Foundation
@_spi(Testing) @testable import JobKit
import Testing

/// The PostgreSQL schema's version: recorded, migrated from every earlier version without
/// losing a lock, and safe while old binaries still run against the migrated database.
@Suite struct PostgresSchemaVersionTests {
    /// A test's own schema namespace on the test server: a table of its own, and raw SQL on it.
    struct Database {
        let url: String
        let table: TableName

        init(_ test: String = Test.current?.name ?? "test") throws {
            url = try TestDatabase.url
            table = try TableName(TestDatabase.tableName(for: test))
        }

        func store(migratesAutomatically: Bool = true) throws -> PostgresLockStore {
            var configuration = PostgresLockStore.Configuration()
            configuration.table = table
            configuration.migratesAutomatically = migratesAutomatically
            return try PostgresLockStore(url: url, configuration: configuration)
        }

        /// Creates version 1 exactly as binaries of version 1 do.
        func createVersion1() throws {
            try PostgresTestSQL.run(url, PostgresSchemaV1Fixture(table: table).migration)
        }

        /// `acquire` as a version-1 binary calls it: (acquired, token, owner, reason).
        func v1Acquire(_ lockID: String, owner: String, tick: Date? = nil) throws -> (acquired: Bool, token: Int64, owner: String, reason: String?) {
            let tickUS = tick.map { String(Int64(($0.timeIntervalSince1970 * 1_000_000).rounded())) } ?? "NULL"
            let row = try #require(try PostgresTestSQL.rows(
                url,
                "SELECT o_acquired, o_token, o_owner, o_reason FROM \(table.quoted(suffix: "_acquire"))"
                    + "('\(lockID)', '\(owner)', 600000000, 30000000, \(tickUS))"
            ).first)
            return (row[0] == "t", Int64(row[1] ?? "") ?? -1, row[2] ?? "", row[3])
        }

        /// `release` as a version-1 binary calls it: its outcome.
        func v1Release(_ lockID: String, token: Int64) throws -> String? {
            try PostgresTestSQL.value(
                url, "SELECT o_outcome FROM \(table.quoted(suffix: "_release"))('\(lockID)', \(token), true)"
            )
        }

        func recordedVersion() throws -> Int? {
            let exists = try PostgresTestSQL.value(url, "SELECT to_regclass('\(table.quoted(suffix: "_schema"))') IS NOT NULL")
            guard exists == "t" else { return nil }
            return try PostgresTestSQL.value(url, "SELECT version FROM \(table.quoted(suffix: "_schema"))").flatMap { Int($0) }
        }

        /// The definitions of version 1's functions, as the server prints them.
        func v1FunctionDefinitions() throws -> [String?] {
            try ["_acquire", "_heartbeat", "_release"].map { suffix in
                try PostgresTestSQL.value(url, "SELECT pg_get_functiondef('\(table.quoted(suffix: suffix))'::regproc)")
            }
        }

        func drop() {
            let names = ["", "_schema", "_runs", "_controls", "_triggers"].map { table.quoted(suffix: $0) }
            try? PostgresTestSQL.run(url, "DROP TABLE IF EXISTS \(names.joined(separator: ", ")) CASCADE")
        }
    }

    @Test func aFreshDatabaseRecordsTheCurrentVersion() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let store = try database.store()
            try store.migrate()
            #expect(try database.recordedVersion() == PostgresSchema.currentVersion)
            try store.migrate()
            #expect(try database.recordedVersion() == PostgresSchema.currentVersion)
        }
    }

    @Test func aLockHeldByAVersion1BinarySurvivesTheMigrationAndBothExcludeEachOther() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try database.createVersion1()
            #expect(try database.recordedVersion() == nil, "version 1 records no version")

            let old = try database.v1Acquire("held-by-old", owner: "old-binary")
            #expect(old.acquired)
            let store = try database.store()
            try store.migrate()
            #expect(try database.recordedVersion() == PostgresSchema.currentVersion)

            // The old binary's lock still holds, for the new binary…
            let refused = try store.acquire(LockRequest(lockID: "held-by-old", owner: "new-binary", ttl: .seconds(60), liveness: nil))
            #expect(refused.refusal?.holder?.owner == "old-binary")
            #expect(refused.refusal?.holder?.token == old.token)
            // …and the old binary releases it through its own function.
            #expect(try database.v1Release("held-by-old", token: old.token) == "released")

            // A lock the new binary holds excludes an old binary, and the other way round.
            let lease = try #require(try store.acquire(LockRequest(lockID: "shared", owner: "new-binary", ttl: .seconds(60), liveness: nil)).lease)
            let oldTry = try database.v1Acquire("shared", owner: "old-binary")
            #expect(!oldTry.acquired)
            #expect(oldTry.owner == "new-binary" && oldTry.token == lease.token)
            #expect(try store.release(lease) == .released)
            let oldWins = try database.v1Acquire("shared", owner: "old-binary")
            #expect(oldWins.acquired && oldWins.token > lease.token, "tokens keep growing across binaries")
            let newRefused = try store.acquire(LockRequest(lockID: "shared", owner: "new-binary", ttl: .seconds(60), liveness: nil))
            #expect(newRefused.refusal?.holder?.owner == "old-binary")
        }
    }

    /// Versions 2 (the run ledger) and 3 (tokens on the clock) are what a fleet runs before
    /// version 5 (controls): each is made from its own steps, then migrated while one of its
    /// binaries holds a lock.
    @Test(arguments: [2, 3])
    func anEarlierDatabaseMigratesToVersion5KeepingItsLocksAndRunsWhileItsBinariesGoOn(_ version: Int) throws {
        let database = try Database()
        defer { database.drop() }
        let t = database.table
        let schema = PostgresSchema(table: t)
        for step in schema.steps where step.version <= version {
            for statement in step.statements { try PostgresTestSQL.run(database.url, statement) }
        }
        try PostgresTestSQL.run(database.url, schema.recordVersion, [String(version)])
        #expect(try database.recordedVersion() == version)
        func oldAcquire(tickUS: Int64) throws -> (acquired: Bool, token: Int64) {
            let row = try #require(try PostgresTestSQL.rows(
                database.url,
                "SELECT o_acquired, o_token FROM \(t.quoted(suffix: "_acquire_v2"))"
                    + "('job', 'old-binary', 600000000, 30000000, \(tickUS), 'job', 'shell', 10, NULL)"
            ).first)
            return (row[0] == "t", Int64(row[1] ?? "") ?? -1)
        }
        let old = try oldAcquire(tickUS: 1_795_000_000_000_000)
        #expect(old.acquired)

        let store = try database.store()
        try store.migrate()
        #expect(try database.recordedVersion() == PostgresSchema.currentVersion)
        let runs = try store.runs(of: "job", limit: 10)
        #expect(runs.map(\.owner) == ["old-binary"] && runs.first?.kind == .scheduled && runs.first?.outcome == .running)
        let request = LockRequest(
            lockID: "job", owner: "new-binary", ttl: .seconds(60), liveness: nil,
            tick: Date(timeIntervalSince1970: 1_795_000_060), run: RunStart(job: "job", jobType: "shell")
        )
        #expect(try store.acquire(request).refusal?.holder?.token == old.token, "the old binary's lock still holds")
        #expect(try PostgresTestSQL.value(
            database.url, "SELECT o_outcome FROM \(t.quoted(suffix: "_release_v2"))('job', \(old.token), true, 'succeeded', NULL)"
        ) == "released")

        // A pause binds the binaries that know it; an older binary goes on as before.
        _ = try store.pause("job", reason: "upgrade", by: "ops")
        #expect(try store.acquire(request).refusal?.reason.pause?.reason == "upgrade")
        #expect(try oldAcquire(tickUS: 1_795_000_120_000_000).acquired)
    }

    @Test func onceATickIsClaimedByEitherBinaryTheOtherSeesItAsAlreadyRan() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try database.createVersion1()
            let store = try database.store()
            try store.migrate()
            let tick = Date(timeIntervalSince1970: 1_795_000_000)
            let old = try database.v1Acquire("ticked", owner: "old-binary", tick: tick)
            #expect(old.acquired)
            #expect(try database.v1Release("ticked", token: old.token) == "released")
            let again = try store.acquire(LockRequest(lockID: "ticked", owner: "new-binary", ttl: .seconds(60), liveness: nil, tick: tick))
            guard again.refusal?.reason.alreadyRan != nil else {
                Issue.record("expected already_ran, got \(again)")
                return
            }
            let next = try #require(try store.acquire(
                LockRequest(lockID: "ticked", owner: "new-binary", ttl: .seconds(60), liveness: nil, tick: tick + 60)
            ).lease)
            #expect(try store.release(next) == .released)
            #expect(try database.v1Acquire("ticked", owner: "old-binary", tick: tick + 60).reason == "already_ran")
        }
    }

    @Test func version1FunctionsKeepTheirDefinitionsButAcquireDrawsTokensOnTheClock() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try database.createVersion1()
            let before = try database.v1FunctionDefinitions()
            let oldToken = try database.v1Acquire("before", owner: "old-binary").token
            try database.store().migrate()
            let after = try database.v1FunctionDefinitions()
            #expect(Array(after.dropFirst()) == Array(before.dropFirst()), "heartbeat and release stay as version 1 defined them")
            #expect(after.first != before.first, "version 3 redefines version 1's acquire: tokens on the clock")
            #expect(after.first??.contains("greatest(") == true)
            let clockToken = try database.v1Acquire("after-migration", owner: "old-binary").token
            #expect(clockToken > 1_700_000_000_000_000 && clockToken > oldToken, "a running version-1 binary now draws tokens on the clock")

            // A version-1 binary starting after the upgrade re-runs its own migration: the recorded
            // version stays, and new binaries keep working (its own acquire is back on the sequence,
            // which the README tells operators to avoid by not restarting version-1 binaries).
            try database.createVersion1()
            #expect(try database.recordedVersion() == PostgresSchema.currentVersion)
            let store = try database.store()
            let lease = try #require(try store.acquire(LockRequest(lockID: "after", owner: "new", ttl: .seconds(60), liveness: nil)).lease)
            #expect(try store.release(lease) == .released)
        }
    }

    @Test func aStoreThatMayNotMigrateRefusesAnOldSchemaNamingJobkitMigrate() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try database.createVersion1()
            let store = try database.store(migratesAutomatically: false)
            let request = LockRequest(lockID: "x", owner: "new", ttl: .seconds(60), liveness: nil)
            let error = try #require(throws: SchemaVersionError.self) { try store.acquire(request) }
            #expect(error.found == 1 && error.required == PostgresSchema.minimumVersion)
            #expect(error.isPermanent)
            #expect(error.description.contains("jobkit migrate"), "\(error)")
            #expect(try store.locks().isEmpty, "listing locks needs only version 1")

            try database.store().migrate()
            #expect(try store.acquire(request).lease != nil, "an operator's migration takes effect without a restart")
        }
    }

    @Test func aMissingSchemaIsVersion0() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let error = try #require(throws: SchemaVersionError.self) {
                try database.store(migratesAutomatically: false).locks()
            }
            #expect(error.found == 0)
            #expect(error.description.contains("There is no JobKit schema"), "\(error)")
        }
    }
}
