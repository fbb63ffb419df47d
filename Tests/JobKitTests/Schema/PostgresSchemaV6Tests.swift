import Dispatch
import Foundation
import Synchronization
@_spi(Testing) @testable import JobKit
import Testing

/// Schema version 6 (set-based batched claims): a batch mixing every kind of element answers
/// each exactly as a single acquire does, with the same ledger; a row another transaction is
/// writing is deferred as `busy`; and a database of every earlier version migrates to it while
/// the functions its binaries call keep working.
@Suite struct PostgresSchemaV6Tests {
    typealias Database = PostgresSchemaVersionTests.Database
    private static let tick = Date(timeIntervalSince1970: 1_795_000_000)

    private func store(_ database: Database, keeping runs: Int = 1000) throws -> PostgresLockStore {
        var configuration = PostgresLockStore.Configuration()
        configuration.table = database.table
        configuration.retention = RunRetention(runsPerJob: runs)
        return try PostgresLockStore(url: database.url, configuration: configuration)
    }

    private func request(_ lockID: String, owner: String = "beta", tick: Date? = Self.tick, job: String? = nil) -> LockRequest {
        LockRequest(
            lockID: lockID, owner: owner, ttl: .seconds(3600), liveness: .seconds(30), tick: tick,
            run: RunStart(job: job ?? "\(lockID)-job", jobType: "v6-test")
        )
    }

    /// The answer without its tokens and times (which differ between two runs of a scenario).
    private static func shape(_ answer: Result<AcquireResult, any Error>) -> String {
        switch answer {
        case .failure(let error):
            return "error \(type(of: error))"
        case .success(.refused(let refusal)):
            if let pause = refusal.reason.pause { return "paused by \(pause.pausedBy): \(pause.reason ?? "")" }
            if let (tick, lastTick) = refusal.reason.alreadyRan { return "already ran \(micros(tick)) after \(micros(lastTick))" }
            return "held by \(refusal.holder?.owner ?? "nobody")"
        case .success(.acquired(let lease)):
            let recovered = lease.recovered.map { " recovered from \($0.previous.owner) (\($0.reason.rawValue))" } ?? ""
            let previous = lease.previousTick.map { " after \(micros($0))" } ?? ""
            let ahead = lease.tokenAheadOfClock.map { " token ahead by \($0)" } ?? ""
            return "acquired by \(lease.owner)\(recovered)\(previous)\(ahead)"
        }
    }

    /// Puts the locks of `group` in every state a claim can find, and returns one batch of
    /// owner `beta` over them (`-dup` twice).
    private func scenario(_ store: PostgresLockStore, _ group: String) throws -> [LockRequest] {
        let tick = Self.tick
        func take(_ name: String, owner: String = "alpha", ttl: Duration = .seconds(3600), liveness: Duration? = nil, tick: Date?, at: Date? = nil) throws -> Lease {
            let request = LockRequest(
                lockID: "\(group)-\(name)", owner: owner, ttl: ttl, liveness: liveness, tick: tick,
                run: RunStart(job: "\(group)-\(name)-job", jobType: "v6-test")
            )
            return try #require(try store.acquire(request, now: at).lease)
        }
        _ = try take("held", tick: tick - 60)
        #expect(try store.release(try take("ran", tick: tick), ending: RunEnd(outcome: .succeeded)) == .released)
        #expect(try store.release(try take("released", tick: tick - 60), ending: RunEnd(outcome: .succeeded)) == .released)
        _ = try take("expired", ttl: .seconds(60), tick: tick - 60, at: longAgo())
        _ = try take("dead", ttl: .seconds(86_400), liveness: .seconds(30), tick: tick - 60, at: longAgo())
        _ = try take("untimed", tick: nil, at: longAgo()).lockID
        // Paused now: refused as paused.
        _ = try store.pause("\(group)-paused-job", reason: "maintenance", by: "ops")
        // Paused for a tick, then resumed: that tick is already ran, a later one follows it.
        #expect(try store.release(try take("skipped", tick: tick - 120), ending: RunEnd(outcome: .succeeded)) == .released)
        _ = try store.pause("\(group)-skipped-job", reason: nil, by: "ops")
        #expect(try store.acquire(request("\(group)-skipped", tick: tick - 60)).refusal?.reason.pause != nil)
        _ = try store.resume("\(group)-skipped-job")
        _ = try store.pause("\(group)-skipped-now-job", reason: nil, by: "ops")
        #expect(try store.acquire(request("\(group)-skipped-now", tick: tick)).refusal?.reason.pause != nil)
        _ = try store.resume("\(group)-skipped-now-job")

        return ["free", "held", "ran", "released", "expired", "dead", "paused", "skipped", "skipped-now", "dup", "dup"]
            .map { request("\(group)-\($0)") }
            + [request("\(group)-untimed", tick: nil), LockRequest(lockID: "", owner: "beta", ttl: .seconds(60), liveness: nil, tick: tick)]
    }

    @Test func aBatchOfEveryKindOfElementAnswersAndWritesTheLedgerExactlyAsSingleAcquiresDo() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let store = try store(database)
            try store.migrate()
            #expect(try database.recordedVersion() == PostgresSchema.currentVersion)

            let singles = try scenario(store, "single").map { request in Result { try store.acquire(request) } }
            let batch = try scenario(store, "batch")
            let batched = store.acquire(batch: batch)
            let tick = micros(Self.tick)
            #expect(batched.map(Self.shape) == singles.map(Self.shape))
            #expect(batched.map(Self.shape) == [
                "acquired by beta",
                "held by alpha",
                "already ran \(tick) after \(tick)",
                "acquired by beta after \(tick - 60_000_000)",
                "acquired by beta recovered from alpha (expired) after \(tick - 60_000_000)",
                "acquired by beta recovered from alpha (owner_dead) after \(tick - 60_000_000)",
                "paused by ops: maintenance",
                "acquired by beta after \(tick - 60_000_000)",   // the skipped tick, newer than the lock's
                "already ran \(tick) after \(tick)",
                "acquired by beta",
                "already ran \(tick) after \(tick)",   // the same lock's first element took this tick
                "acquired by beta recovered from alpha (expired)",
                "error InvalidLockIDError",
            ])

            // The same ledger: each claim's run, and the taken-over holders' runs ended as lost.
            for suffix in ["free", "held", "ran", "released", "expired", "dead", "paused", "skipped", "dup", "untimed"] {
                func ledger(_ group: String) throws -> [String] {
                    try store.runs(of: "\(group)-\(suffix)-job", limit: 10).map { "\($0.owner) \($0.outcome) \($0.kind) \($0.overlapped)" }
                }
                #expect(try ledger("batch") == ledger("single"), "\(suffix)")
            }
            #expect(try store.runs(of: "batch-expired-job", limit: 10).map(\.outcome) == [.running, .lost])
            // Every claim of the batch has its own token, on the database's clock.
            let leases = batched.compactMap { try? $0.get().lease }
            #expect(leases.count == 7)
            #expect(Set(leases.map(\.token)).count == leases.count)
            #expect(leases.allSatisfy { $0.tokenAheadOfClock == nil })
            // The paused tick was recorded once, by the batch, as the single acquire records it.
            #expect(try store.acquire(request("batch-paused")).refusal?.reason.alreadyRan != nil)
        }
    }

    @Test func aBatchPrunesTheLedgerToItsBoundAndReleasesAsSingleReleasesDo() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let store = try store(database, keeping: 3)
            var tokens: [Int64] = []
            for round in 0..<5 {
                let answers = store.acquire(batch: [request("a", tick: Self.tick + Double(60 * round)), request("b", tick: Self.tick + Double(60 * round))])
                let leases = try answers.map { try #require(try $0.get().lease) }
                tokens.append(leases[0].token)
                let ends: [RunEnd] = [RunEnd(outcome: .succeeded), RunEnd(outcome: .failed, error: "boom")]
                let released = store.release(batch: zip(leases, ends).map { LockRelease(lease: $0, run: $1) })
                #expect(try released.map { try $0.get() } == [.released, .released])
            }
            #expect(tokens == tokens.sorted() && Set(tokens).count == 5, "tokens keep growing")
            #expect(try store.runs(of: "a-job", limit: 10).map(\.token) == Array(tokens.suffix(3).reversed()))
            #expect(try store.runs(of: "a-job", limit: 10).map(\.outcome) == [.succeeded, .succeeded, .succeeded])
            #expect(try store.runs(of: "b-job", limit: 10).map(\.outcome) == [.failed, .failed, .failed])
            #expect(try store.runs(of: "b-job", limit: 1).first?.error == "boom")
        }
    }

    /// A row another transaction is writing right now is answered `busy` (not waited for) by
    /// a deferring batch; the store asks again for it alone once its batch has committed, and
    /// so waits for that transaction there and answers as a single acquire would.
    @Test func aRowBeingWrittenIsDeferredAsBusyAndDecidedAfterTheWriterCommits() async throws {
        let name = Test.current?.name ?? "test"
        try await offPool {
            let database = try Database(name)
            defer { database.drop() }
            let store = try store(database)
            try store.migrate()
            let held = try #require(try store.acquire(request("written", owner: "alpha", tick: Self.tick - 60)).lease)
            #expect(try store.release(held) == .released)

            let writer = try PostgresConnection.connect(PostgresConnectionSettings(database.url, connectTimeout: .seconds(5)))
            try writer.script("BEGIN", context: "test")
            _ = try writer.query(
                "UPDATE \(database.table.quoted) SET owner = 'writer', last_tick = to_timestamp($1::bigint) WHERE lock_id = 'written'",
                [String(Int(Self.tick.timeIntervalSince1970) + 3600)], context: "test"
            )
            let t = database.table.quoted(suffix: "_acquire_many_v6")
            let call = "SELECT o_index, o_reason FROM \(t)(ARRAY['written', 'other'], ARRAY['beta', 'beta'], "
                + "ARRAY[60000000, 60000000]::bigint[], ARRAY[NULL, NULL]::bigint[], ARRAY[\(micros(Self.tick)), \(micros(Self.tick))]::bigint[], "
                + "ARRAY['w-job', 'o-job'], ARRAY['t', 't'], 10, true) ORDER BY o_index"
            #expect(try PostgresTestSQL.rows(database.url, call) == [["1", "busy"], ["2", nil]])

            // The store's own batch: deferred, then asked again alone, which waits for the writer.
            let answers = Mutex<[Result<AcquireResult, any Error>]?>(nil)
            let done = DispatchSemaphore(value: 0)
            let batch = [request("written")]
            DispatchQueue(label: "jobkit.tests.v6-batch").async {
                let result = store.acquire(batch: batch)
                answers.withLock { $0 = result }
                done.signal()
            }
            let waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%acquire_many_v6%'"
            let deadline = Date() + 60
            while try PostgresTestSQL.value(database.url, waiting) == "0" && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            #expect(try PostgresTestSQL.value(database.url, waiting) != "0", "the second statement waits for the writer")
            try writer.script("COMMIT", context: "test")
            #expect(done.wait(timeout: .now() + 60) == .success)
            let answer = try #require(answers.withLock { $0 }?.first)
            #expect((try answer.get()).refusal?.reason.alreadyRan != nil, "the writer's tick is newer: \(answer)")
        }
    }

    /// Four processes batch-claiming the same released locks for each new tick at once, each
    /// batch in its own order, tick after tick (the steady state of a fleet, where every claim
    /// takes a row over rather than inserting it): every batch is answered (no deadlock, no
    /// error), each lock is claimed exactly once per tick, and the others are already ran.
    @Test func concurrentBatchesTakingOverReleasedLocksClaimEachOncePerTickWithoutDeadlock() async throws {
        let name = Test.current?.name ?? "test"
        let database = try Database(name)
        defer { database.drop() }
        let stores = try (0..<4).map { _ in try store(database) }
        let first = stores[0]
        try await offPool { try first.migrate() }
        let ids = (0..<300).map { "burst-\($0)" }
        for round in 0..<4 {
            let tick = Self.tick + Double(60 * round)
            let answers = try await withThrowingTaskGroup(of: [(String, Result<AcquireResult, any Error>)].self) { group in
                for (number, store) in stores.enumerated() {
                    let requests = ids.shuffled().map { request($0, owner: "process-\(number)", tick: tick) }
                    group.addTask { try await offPool { Array(zip(requests.map(\.lockID), store.acquire(batch: requests))) } }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let failures = answers.compactMap { if case .failure(let error) = $0.1 { return "\(error)" } else { return nil } }
            #expect(failures.isEmpty, "round \(round): \(failures.prefix(3))")
            let winners = answers.compactMap { answer in (try? answer.1.get().lease).map { (answer.0, $0) } }
            #expect(winners.count == ids.count && Set(winners.map(\.0)).count == ids.count, "round \(round): each lock once")
            let refusals = answers.compactMap { try? $0.1.get().refusal }
            #expect(refusals.count == ids.count * 3 && refusals.allSatisfy { $0.reason.alreadyRan != nil }, "round \(round)")
            let released = try await offPool { first.release(batch: winners.map { LockRelease(lease: $0.1, run: RunEnd(outcome: .succeeded)) }) }
            #expect(try released.map { try $0.get() } == Array(repeating: .released, count: ids.count))
        }
    }

    /// A database of each earlier version migrates to version 6 while a binary of that version
    /// holds a lock: the lock excludes a set-based batch and the other way round, and the
    /// functions that binary calls (single and batched) go on working.
    @Test(arguments: [1, 2, 3, 4, 5])
    func anEarlierDatabaseMigratesToVersion6AndItsBinariesFunctionsKeepWorking(_ version: Int) throws {
        let database = try Database()
        defer { database.drop() }
        let t = database.table
        let schema = PostgresSchema(table: t)
        if version == 1 {
            try database.createVersion1()
        } else {
            for step in schema.steps where step.version <= version {
                for statement in step.statements { try PostgresTestSQL.run(database.url, statement) }
            }
            try PostgresTestSQL.run(database.url, schema.recordVersion, [String(version)])
        }
        /// The old binary's single acquire: (acquired, token).
        func oldAcquire(_ lockID: String, tick: Date) throws -> (acquired: Bool, token: Int64) {
            if version == 1 {
                let old = try database.v1Acquire(lockID, owner: "old-binary", tick: tick)
                return (old.acquired, old.token)
            }
            let row = try #require(try PostgresTestSQL.rows(
                database.url,
                "SELECT o_acquired, o_token FROM \(t.quoted(suffix: "_acquire_v2"))"
                    + "($1, 'old-binary', 600000000, 30000000, \(micros(tick)), $1, 'shell', 10, NULL)",
                [lockID]
            ).first)
            return (row[0] == "t", Int64(row[1] ?? "") ?? -1)
        }
        func oldRelease(_ lockID: String, _ token: Int64) throws -> String? {
            if version == 1 { return try database.v1Release(lockID, token: token) }
            return try PostgresTestSQL.value(
                database.url, "SELECT o_outcome FROM \(t.quoted(suffix: "_release_v2"))($1, \(token), true, 'succeeded', NULL)", [lockID]
            )
        }
        let old = try oldAcquire("held-by-old", tick: Self.tick)
        #expect(old.acquired)

        let store = try store(database)
        try store.migrate()
        #expect(try database.recordedVersion() == PostgresSchema.currentVersion)

        let answers = store.acquire(batch: [request("held-by-old", tick: Self.tick + 60), request("shared", tick: Self.tick)])
        #expect((try answers[0].get()).refusal?.holder?.owner == "old-binary")
        #expect((try answers[0].get()).refusal?.holder?.token == old.token)
        let lease = try #require(try answers[1].get().lease)
        #expect(lease.token > old.token, "tokens keep growing across binaries")
        #expect(try !oldAcquire("shared", tick: Self.tick + 60).acquired, "the batch's lock excludes the old binary")
        #expect(try oldRelease("held-by-old", old.token) == "released")
        let taken = try #require(try store.acquire(batch: [request("held-by-old", tick: Self.tick + 60)])[0].get().lease)
        #expect(taken.recovered == nil && taken.previousTick == Self.tick, "released by its holder, not recovered")
        #expect(try store.release(batch: [LockRelease(lease: lease), LockRelease(lease: taken)]).map { try $0.get() } == [.released, .released])
        let oldAgain = try oldAcquire("shared", tick: Self.tick + 60)
        #expect(oldAgain.acquired && oldAgain.token > lease.token)
        #expect(try oldRelease("shared", oldAgain.token) == "released")

        // A binary of version 4 or 5 batches through its own functions, beside version 6's.
        guard version >= 4 else { return }
        let many = t.quoted(suffix: version == 4 ? "_acquire_many_v4" : "_acquire_many_v5")
        let row = try #require(try PostgresTestSQL.rows(
            database.url,
            "SELECT o_acquired, o_token FROM \(many)(ARRAY['shared'], ARRAY['old-binary'], ARRAY[60000000]::bigint[], "
                + "ARRAY[NULL]::bigint[], ARRAY[\(micros(Self.tick + 120))]::bigint[], ARRAY['shared-job'], ARRAY['t'], 10, true)"
        ).first)
        #expect(row[0] == "t")
        #expect(try store.acquire(batch: [request("shared", tick: Self.tick + 180)])[0].get().refusal?.holder?.owner == "old-binary")
        #expect(try PostgresTestSQL.value(
            database.url,
            "SELECT o_outcome FROM \(t.quoted(suffix: "_release_many_v4"))(ARRAY['shared'], ARRAY[\(row[1] ?? "0")]::bigint[], true, ARRAY['succeeded'], ARRAY[NULL])"
        ) == "released")
    }
}
