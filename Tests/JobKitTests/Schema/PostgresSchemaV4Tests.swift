import Foundation
@testable import JobKit
import Testing

/// Schema version 4 (batched claims): a database of every earlier version migrates to it
/// keeping its locks, and a lock held through an earlier version's functions excludes batched
/// claims, and the other way round.
@Suite struct PostgresSchemaV4Tests {
    typealias Database = PostgresSchemaVersionTests.Database

    /// Creates version 2 as binaries of version 2 do: version 1's objects, version 2's, and
    /// the record.
    private func createVersion2(_ database: Database) throws {
        let schema = PostgresSchema(table: database.table)
        for statement in schema.version1 + schema.version2 {
            try PostgresTestSQL.run(database.url, statement)
        }
        try PostgresTestSQL.run(database.url, "INSERT INTO \(schema.schemaTable) (id, version) VALUES (1, 2)")
    }

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

    @Test func aVersion2DatabaseMigratesToVersion4AndBothBinariesExcludeEachOther() throws {
        let database = try Database()
        defer { database.drop() }
        try createVersion2(database)
        #expect(try database.recordedVersion() == 2)
        let old = try v2Acquire(database, "held-by-old", owner: "old-binary")
        #expect(old.acquired)

        let store = try database.store()
        try store.migrate()
        #expect(try database.recordedVersion() == 4)

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

    @Test func aVersion1DatabaseMigratesToVersion4AndItsLockExcludesABatch() throws {
        let database = try Database()
        defer { database.drop() }
        try database.createVersion1()
        let old = try database.v1Acquire("held-by-old", owner: "old-binary")
        #expect(old.acquired)
        let store = try database.store()
        try store.migrate()
        #expect(try database.recordedVersion() == 4)
        let answers = store.acquire(batch: [request("held-by-old")])
        #expect((try answers[0].get()).refusal?.holder?.token == old.token)
        #expect(try database.v1Release("held-by-old", token: old.token) == "released")
        #expect(try store.acquire(batch: [request("held-by-old")])[0].get().lease != nil)
    }

    @Test func aStoreThatMayNotMigrateRefusesAVersion2SchemaForBatches() throws {
        let database = try Database()
        defer { database.drop() }
        try createVersion2(database)
        let store = try database.store(migratesAutomatically: false)
        let answers = store.acquire(batch: [request("x")])
        guard case .failure(let error as SchemaVersionError) = answers[0] else {
            Issue.record("expected SchemaVersionError, got \(answers[0])")
            return
        }
        #expect(error.found == 2 && error.required == 4)
    }
}
