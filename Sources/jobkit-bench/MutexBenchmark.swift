import ArgumentParser
import Foundation
import JobKit
import Logging

/// Uncontended acquire+release pairs/s: JobKit against the durable floor (a durable and a
/// relaxed single-row `UPDATE` through raw libpq), raw advisory locks and `SELECT 1` round
/// trips, on the same server in the same run.
struct MutexBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mutex",
        abstract: "Uncontended acquire+release pairs per second, against raw advisory locks."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "How many pairs (and round trips) to time for each figure.")
    var pairs: Int = 5000

    @Option(help: "How many untimed pairs to run first, to warm connections and caches.")
    var warmup: Int = 500

    @Option(help: "In how many interleaved rounds to split the pairs; figures are medians over rounds.")
    var rounds: Int = 5

    func validate() throws {
        guard pairs >= 1, rounds >= 1 else { throw ValidationError("--pairs and --rounds must be at least 1") }
    }

    func run() throws {
        let url = try options.resolvedURL()
        let store = try LockStoreURL.makeStore(url)
        try store.migrate()
        let mutex = DBMutex(
            store: store, owner: "jobkit-bench", ttl: .seconds(60),
            logger: Logger(label: "jobkit-bench", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let lockID = "jobkit-bench-mutex-\(ProcessInfo.processInfo.processIdentifier)"
        let request = LockRequest(lockID: lockID, owner: "jobkit-bench", ttl: .seconds(60), liveness: .seconds(30))
        var jobRequest = request
        jobRequest.lockID = lockID + "-job"
        jobRequest.run = RunStart(job: jobRequest.lockID, jobType: "bench")
        let raw = try options.isPostgres ? RawPostgres(url: options.libpqURL()) : nil
        let key = String(Int64.random(in: 1...Int64(Int32.max)))
        // On django-db-mutex's table, the postgres:// store on the same server is timed in the
        // same rounds, so the two protocols are compared under the same load.
        let postgres = store is DjangoLockStore ? try PostgresLockStore(url: options.libpqURL()) : nil
        try postgres?.migrate()
        let floor = try raw.map { try DurableFloor(raw: $0) }
        defer { try? floor?.drop() }

        // Every figure is timed in each of several interleaved rounds and reported as its median
        // round, so a burst of load elsewhere on the machine hits all figures alike.
        var figures: [String: [Double]] = [:]
        let perRound = max(1, pairs / rounds)
        for round in 0...rounds {
            let count = round == 0 ? warmup : perRound   // round 0 warms up and is discarded
            var measured: [(String, Double)] = []
            measured.append(("jobkit", try rate(count) { try mutex.withLock(lockID) {} }))
            measured.append(("store", try rate(count) {
                guard case .acquired(let lease) = try store.acquire(request) else { throw ValidationError("refused") }
                _ = try store.release(lease)
            }))
            // The same pair for a job's run: the acquire opens its ledger row, the release ends it
            // (and prunes past the retention), in the same two round trips.
            measured.append(("ledger", try rate(count) {
                guard case .acquired(let lease) = try store.acquire(jobRequest) else { throw ValidationError("refused") }
                _ = try store.release(lease, ending: RunEnd(outcome: .succeeded))
            }))
            if let postgres {
                measured.append(("postgres_store", try rate(count) {
                    guard case .acquired(let lease) = try postgres.acquire(request) else { throw ValidationError("refused") }
                    _ = try postgres.release(lease)
                }))
            }
            if let raw {
                measured.append(("advisory", try rate(count) {
                    guard try raw.query("SELECT pg_try_advisory_lock($1::bigint)", [key]) == "t" else {
                        throw ValidationError("advisory lock refused")
                    }
                    try raw.query("SELECT pg_advisory_unlock($1::bigint)", [key])
                }))
                measured.append(("select1", try rate(count) { try raw.query("SELECT 1") }))
            }
            if let floor {
                measured.append(("floor", try rate(count) { try floor.pair() }))
            }
            if let raw, let postgresStore = store as? PostgresLockStore, postgresStore.table == .default {
                // JobKit's own two SQL functions for a bare pair (schema version 7's), called through
                // raw libpq: the server's share of a pair.
                measured.append(("functions", try rate(count) {
                    let token = try raw.query(
                        "SELECT * FROM jobkit_locks_acquire_v7($1, $2, $3::bigint, $4::bigint, $5::bigint, $6::bigint)",
                        [lockID, "jobkit-bench", "60000000", "30000000", nil, nil], column: 1
                    )
                    guard let token else { throw ValidationError("acquire returned no token") }
                    try raw.query("SELECT * FROM jobkit_locks_release_v7($1, $2::bigint, $3::boolean)", [lockID, token, "t"])
                }))
                // The functions a bare pair called before version 7: acquire_v5 (which calls
                // acquire_v2) and release_v2.
                measured.append(("functions_v5", try rate(count) {
                    let token = try raw.query(
                        "SELECT * FROM jobkit_locks_acquire_v5($1, $2, $3::bigint, $4::bigint, $5::bigint, $6, $7, $8::integer, $9::bigint, $10, $11::bigint)",
                        [lockID, "jobkit-bench", "60000000", "30000000", nil, nil, nil, nil, nil, nil, nil], column: 1
                    )
                    guard let token else { throw ValidationError("acquire returned no token") }
                    try raw.query(
                        "SELECT * FROM jobkit_locks_release_v2($1, $2::bigint, $3::boolean, $4, $5)", [lockID, token, "t", nil, nil]
                    )
                }))
            }
            if round > 0 { for (name, value) in measured { figures[name, default: []].append(value) } }
        }
        func median(_ name: String) -> Double? {
            guard let values = figures[name]?.sorted(), !values.isEmpty else { return nil }
            return values[values.count / 2]
        }
        let jobkit = median("jobkit")!
        let bare = median("store")!
        let ledger = median("ledger")!
        let advisory = median("advisory")
        let postgresStore = median("postgres_store")
        let select1 = median("select1")
        let floorRate = median("floor")
        let functions = median("functions")
        let functionsV5 = median("functions_v5")
        let ratios = zip(figures["jobkit"] ?? [], figures["advisory"] ?? []).map { $0 / $1 }.sorted()
        let floorRatios = zip(figures["jobkit"] ?? [], figures["floor"] ?? []).map { $0 / $1 }.sorted()
        var settings = "n/a"
        if let raw {
            settings = "fsync=\(try raw.query("SHOW fsync") ?? "?"), "
                + "synchronous_commit=\(try raw.query("SHOW synchronous_commit") ?? "?")"
        }

        let report = BenchReport(
            title: "jobkit-bench mutex (\(pairs) pairs per figure, \(rounds) interleaved rounds)",
            rows: [
                ("store", "store", store.description),
                ("server_settings", "server settings", settings),
                ("pairs", "pairs timed", pairs),
                ("jobkit_pairs_per_s", "JobKit withLock pairs/s", jobkit),
                ("store_pairs_per_s", "JobKit store acquire + release pairs/s (no heartbeat keeper)", bare),
                ("ledger_pairs_per_s", "JobKit store acquire + release of a job's run (ledger row written) pairs/s", ledger),
                ("ledger_ratio_vs_store", "ratio job run with ledger / bare store pair (medians)", ledger / bare),
                ("floor_pairs_per_s", "durable floor pairs/s (raw libpq: durable UPDATE + relaxed UPDATE)", floorRate),
                // The median of each round's ratio: a round's figures are timed minutes closer together
                // than the medians of different figures, so load that comes and goes cancels better.
                ("ratio_vs_floor", "ratio JobKit / durable floor (median of the rounds' ratios)",
                 floorRatios.isEmpty ? nil : floorRatios[floorRatios.count / 2]),
                ("functions_pairs_per_s", "JobKit's acquire + release SQL functions (acquire_v7, release_v7) through raw libpq pairs/s", functions),
                ("functions_v5_pairs_per_s", "the functions a pair called before version 7 (acquire_v5, release_v2) through raw libpq pairs/s", functionsV5),
                ("functions_ratio_vs_floor", "ratio JobKit's SQL functions through raw libpq / durable floor (medians)",
                 functions.flatMap { f in floorRate.map { f / $0 } }),
                ("ratio_vs_floor_range", "ratio JobKit / durable floor, lowest and highest round",
                 floorRatios.isEmpty ? nil : String(format: "%.3f – %.3f", floorRatios.first!, floorRatios.last!)),
            ] + (postgresStore.map { postgresStore in
                [
                    ("postgres_store_pairs_per_s", "postgres:// store acquire + release pairs/s (same server, same rounds)",
                     postgresStore),
                    ("ratio_vs_postgres_store", "ratio store / postgres:// store (medians)", bare / postgresStore),
                ]
            } ?? []) + [
                ("advisory_pairs_per_s", "raw pg_try_advisory_lock + pg_advisory_unlock pairs/s", advisory),
                ("select1_per_s", "raw SELECT 1 round trips/s", select1),
                ("ratio_vs_advisory", "ratio JobKit / advisory (medians)", advisory.map { jobkit / $0 }),
                ("ratio_range", "ratio JobKit / advisory, lowest and highest round",
                 ratios.isEmpty ? nil : String(format: "%.3f – %.3f", ratios.first!, ratios.last!)),
                ("rounds", "interleaved rounds", rounds),
            ],
            notes: [
                store is DjangoLockStore
                    ? "On django-db-mutex's table a JobKit pair is django-db-mutex's protocol: a purge "
                        + "(DELETE of rows past the TTL; commits nothing when none are) and an INSERT, then a "
                        + "DELETE by id: three round trips, two durable commits. An advisory pair is two reads "
                        + "that write nothing."
                    : "A JobKit pair is a durable acquire (a write, committed) and a release (a write; "
                        + "relaxed commit), each one round trip; an advisory pair is two reads that write nothing. "
                        + "With fsync=on, the acquire also waits for the disk to flush.",
                "The durable floor is what any lock with a crash-safe fencing token must pay: one single-row "
                    + "UPDATE committed durably and one committed with synchronous_commit=off, one round trip each, "
                    + "through raw libpq on a table of one row; JobKit should reach at least 0.9 of it.",
            ]
        )
        report.printTable()
        try report.write(toJSON: options.json)
    }
}
