import Foundation
@testable import JobKit
import Testing

/// Schema version 4 (batched claims): a database of every earlier version migrates to it
/// keeping its locks, and a lock held through an earlier version's functions excludes batched
/// claims, and the other way round.
@Suite struct PostgresSchemaV4Tests {
    typealias Database = PostgresSchemaVersionTests.Database

    /// Creates `version` (2 or 3) as binaries of that version do: the steps up to it, and the record.
    private func create(version: Int, _ database: Database) throws {
        let schema = PostgresSchema(table: database.table)
        for step in schema.steps where step.version <= version {
            for statement in step.statements { try PostgresTestSQL.run(database.url, statement) }
        }
        try PostgresTestSQL.run(database.url, schema.recordVersion, [String(version)])
    }

    private func createVersion2(_ database: Database) throws { try create(version: 2, database) }

    /// `acquire_v2` as a version-2 binary calls it for a job: (acquired, token).
    private func v2Acquire(_ database: Database, _ lockID: String, owner: String) throws -> (acquired: Bool, token: Int64) {
        let row = try #require(try PostgresTestSQL.rows(
            database.url,
            "SELECT o_acquired, o_token FROM \(database.table.quoted(suffix: "_acquire_v2"))"
                + "($1, $2, 600000000, 30000000, NULL, 'old-job', 'shell', 10)",
            [lockID, owner]
        ).first)
        return (row[0] == "t", Int64(row[1] ?? "") ?? -1)
    }

    private func request(_ lockID: String) -> LockRequest {
        LockRequest(lockID: lockID, owner: "new-binary", ttl: .seconds(60), liveness: nil, run: RunStart(job: lockID, jobType: "test"))
    }

    @Test func aVersion2DatabaseMigratesToVersion4AndBothBinariesExcludeEachOther() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try createVersion2(database)
            #expect(try database.recordedVersion() == 2)
            let old = try v2Acquire(database, "held-by-old", owner: "old-binary")
            #expect(old.acquired)

            let store = try database.store()
            try store.migrate()
            #expect(try database.recordedVersion() == PostgresSchema.currentVersion)

            let answers = store.acquire(batch: [request("held-by-old"), request("free")])
            #expect((try answers[0].get()).refusal?.holder?.owner == "old-binary")
            #expect((try answers[0].get()).refusal?.holder?.token == old.token)
            let lease = try #require(try answers[1].get().lease)
            #expect(lease.token > old.token, "tokens keep growing across binaries")
            // The version-2 binary is refused the lock the batch took.
            #expect(try !v2Acquire(database, "free", owner: "old-binary").acquired)
            #expect(try store.release(batch: [LockRelease(lease: lease, run: RunEnd(outcome: .succeeded))]).map { try $0.get() } == [.released])
            #expect(try store.runs(of: "free", limit: 1).first?.outcome == .succeeded)
            #expect(try v2Acquire(database, "free", owner: "old-binary").acquired)
        }
    }

    @Test func aVersion3DatabaseMigratesToVersion4AndBatchedClaimsDrawTokensOnTheDatabaseClock() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try create(version: 3, database)
            #expect(try database.recordedVersion() == 3)
            let old = try v2Acquire(database, "held-by-old", owner: "v3-binary")
            #expect(old.acquired)
            let store = try database.store()
            try store.migrate()
            #expect(try database.recordedVersion() == PostgresSchema.currentVersion)
            let answers = store.acquire(batch: [request("held-by-old"), request("free")])
            #expect((try answers[0].get()).refusal?.holder?.token == old.token)
            let lease = try #require(try answers[1].get().lease)
            // Version 3's rule, through the per-lock function the batch calls: the token is the
            // acquisition's time in microseconds (or just above the lock's previous token).
            #expect(lease.token >= Int64((lease.acquiredAt.timeIntervalSince1970 * 1_000_000).rounded()))
            #expect(try store.release(batch: [LockRelease(lease: lease, run: RunEnd(outcome: .succeeded))]).map { try $0.get() } == [.released])
            let again = try #require(try store.acquire(batch: [request("free")])[0].get().lease)
            #expect(again.token > lease.token)
            #expect(try store.runs(of: "free", limit: 5).map(\.token) == [again.token, lease.token])
        }
    }

    @Test func aVersion1DatabaseMigratesToVersion4AndItsLockExcludesABatch() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try database.createVersion1()
            let old = try database.v1Acquire("held-by-old", owner: "old-binary")
            #expect(old.acquired)
            let store = try database.store()
            try store.migrate()
            #expect(try database.recordedVersion() == PostgresSchema.currentVersion)
            let answers = store.acquire(batch: [request("held-by-old")])
            #expect((try answers[0].get()).refusal?.holder?.token == old.token)
            #expect(try database.v1Release("held-by-old", token: old.token) == "released")
            #expect(try store.acquire(batch: [request("held-by-old")])[0].get().lease != nil)
        }
    }

    @Test func aStoreThatMayNotMigrateRefusesAVersion2SchemaForBatches() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            try createVersion2(database)
            let store = try database.store(migratesAutomatically: false)
            let answers = store.acquire(batch: [request("x")])
            guard case .failure(let error as SchemaVersionError) = answers[0] else {
                Issue.record("expected SchemaVersionError, got \(answers[0])")
                return
            }
            #expect(error.found == 2 && error.required == PostgresSchema.minimumVersion)
        }
    }
}
