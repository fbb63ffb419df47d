import Foundation
@testable import JobKit
import Logging
import Testing

/// Schema version 3: fencing tokens on the database's clock, so they never go backwards
/// through a dropped sequence, a dropped and re-migrated table, or lost commits; a clock behind
/// the tokens still gives increasing tokens and is reported.
@Suite struct PostgresTokenClockTests {
    typealias Database = PostgresSchemaVersionTests.Database

    private func request(_ lockID: String) -> LockRequest {
        LockRequest(lockID: lockID, owner: "token-test", ttl: .seconds(60), liveness: nil)
    }

    @Test func aTokenIsTheAcquisitionTimeInMicroseconds() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let store = try database.store()
            let first = try #require(try store.acquire(request("a")).lease)
            #expect(abs(first.token - first.acquiredAt.jobKitEpochMicroseconds) <= 1)
            #expect(first.tokenAheadOfClock == nil)
            #expect(try store.release(first) == .released)
            let second = try #require(try store.acquire(request("a")).lease)
            #expect(second.token > first.token)
            #expect(try store.release(second) == .released)
        }
    }

    @Test func aDroppedTableAndSequenceReMigratedNeverIssueALowerToken() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let store = try database.store()
            var highest: Int64 = 0
            for _ in 0..<3 {
                let lease = try #require(try store.acquire(request("dropped")).lease)
                highest = max(highest, lease.token)
                #expect(try store.release(lease) == .released)
            }
            let table = database.table
            try PostgresTestSQL.run(
                database.url,
                "DROP TABLE \(table.quoted), \(table.quoted(suffix: "_runs")), \(table.quoted(suffix: "_schema")) CASCADE; "
                    + "DROP SEQUENCE \(table.quoted(suffix: "_token_seq"))"
            )
            let fresh = try database.store()
            try fresh.migrate()
            let after = try #require(try fresh.acquire(request("dropped")).lease)
            #expect(after.token > highest, "re-created: \(after.token), before the drop: \(highest)")
            #expect(try fresh.release(after) == .released)
        }
    }

    /// Tokens no longer come from the sequence: with it dropped alone (and not re-created,
    /// since the schema's version is current), a held lock and a new one still draw tokens
    /// greater than every token before.
    @Test func aDroppedSequenceNeverIssuesALowerToken() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let store = try database.store()
            let before = try #require(try store.acquire(request("sequence")).lease)
            #expect(try store.release(before) == .released)
            try PostgresTestSQL.run(database.url, "DROP SEQUENCE \(database.table.quoted(suffix: "_token_seq"))")
            let again = try #require(try store.acquire(request("sequence")).lease)
            #expect(again.token > before.token)
            #expect(try store.release(again) == .released)
            let fresh = try #require(try database.store().acquire(request("sequence-new")).lease)
            #expect(fresh.token > again.token)
        }
    }

    @Test func aClockBehindTheLocksLastTokenStillGivesAnIncreasingTokenAndIsReported() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let store = try database.store()
            let lease = try #require(try store.acquire(request("behind")).lease)
            #expect(try store.release(lease) == .released)
            // The lock's last token an hour ahead of the clock: what a clock set back by an hour sees.
            let hour: Int64 = 3_600_000_000
            try PostgresTestSQL.run(
                database.url, "UPDATE \(database.table.quoted) SET token = token + \(hour) WHERE lock_id = 'behind'"
            )
            let recorder = EventRecorder()
            let mutex = DBMutex(store: store, owner: "token-test", heartbeat: nil, logger: recorder.logger())
            try mutex.withLock("behind") {}
            let token = try #require(try store.locks().first { $0.lockID == "behind" }?.token)
            #expect(token == lease.token + hour + 1)
            let event = try #require(recorder.records.first { $0.event == .storeClockBehind })
            #expect(event.level == .error)
            #expect(event["lock_id"] == "behind")
            #expect(event.integer("token") == token)
            let ahead = try #require(event.integer("ahead_us"))
            #expect(ahead > hour - 60_000_000 && ahead <= hour + 1, "ahead by about the hour: \(ahead)")
        }
    }

    @Test func twoLocksTakenInTheSameMicrosecondKeepTheirOwnLedgerRows() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let store = try database.store()
            // The server's clock pinned to one instant for both acquisitions.
            let now = Date(timeIntervalSince1970: 1_800_000_000.123456)
            let a = try #require(try store.acquire(
                LockRequest(lockID: "same-a", owner: "o", ttl: .seconds(60), liveness: nil, run: .init(job: "same-a", jobType: "t")), now: now
            ).lease)
            let b = try #require(try store.acquire(
                LockRequest(lockID: "same-b", owner: "o", ttl: .seconds(60), liveness: nil, run: .init(job: "same-b", jobType: "t")), now: now
            ).lease)
            #expect(a.token == b.token, "both tokens are the same instant")
            #expect(try store.runs(of: "same-a", limit: 10).map(\.lockID) == ["same-a"])
            #expect(try store.runs(of: "same-b", limit: 10).map(\.lockID) == ["same-b"])
        }
    }

    @Test func aVersion2DatabaseMigratesWithItsLockAndLedgerAndVersion2CallersDrawClockTokens() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let schema = PostgresSchema(table: database.table)
            for step in schema.steps where step.version <= 2 {
                for statement in step.statements { try PostgresTestSQL.run(database.url, statement) }
            }
            try PostgresTestSQL.run(database.url, schema.recordVersion, ["2"])
            // A version-2 binary takes a lock and runs a job: a sequence token, a ledger row.
            let v2Acquire = "SELECT o_acquired, o_token FROM \(database.table.quoted(suffix: "_acquire_v2"))"
                + "($1, 'v2-binary', 600000000, 30000000, NULL, $1, 'shell', 100)"
            let held = try #require(try PostgresTestSQL.rows(database.url, v2Acquire, ["v2-job"]).first)
            #expect(held[0] == "t")
            let oldToken = try #require(held[1].flatMap { Int64($0) })
            #expect(oldToken < 1_000_000, "version 2 drew from the sequence")

            let store = try database.store()
            try store.migrate()
            #expect(try database.recordedVersion() == PostgresSchema.currentVersion)
            let key = try PostgresTestSQL.value(
                database.url,
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '\(database.table.quoted(suffix: "_runs"))'::regclass AND contype = 'p'"
            )
            #expect(key == "PRIMARY KEY (lock_id, token)")
            // The version-2 holder's lock still holds, its run is in the ledger, and it releases through its own function.
            #expect(try store.acquire(request("v2-job")).refusal?.holder?.token == oldToken)
            #expect(try store.runs(of: "v2-job", limit: 10).map(\.token) == [oldToken])
            let released = try PostgresTestSQL.value(
                database.url,
                "SELECT o_outcome FROM \(database.table.quoted(suffix: "_release_v2"))('v2-job', \(oldToken), true, 'succeeded', NULL)"
            )
            #expect(released == "released")
            // A version-2 binary still running after the migration draws tokens on the clock too.
            let again = try #require(try PostgresTestSQL.rows(database.url, v2Acquire, ["v2-job"]).first)
            let clockToken = try #require(again[1].flatMap { Int64($0) })
            #expect(clockToken > 1_700_000_000_000_000)
            #expect(try store.runs(of: "v2-job", limit: 10).map(\.token) == [clockToken, oldToken])
        }
    }
}
