import ArgumentParser
import Foundation
import JobKit
import Logging

/// Uncontended acquire+release pairs/s: JobKit against raw advisory locks and `SELECT 1`
/// round trips, on the same server in the same run.
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

    func run() throws {
        let url = try options.resolvedURL()
        let store = try LockStoreURL.makeStore(url)
        try store.migrate()
        let mutex = DBMutex(
            store: store, owner: "jobkit-bench", ttl: .seconds(60),
            logger: Logger(label: "jobkit-bench", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let lockID = "jobkit-bench-mutex-\(ProcessInfo.processInfo.processIdentifier)"
        for _ in 0..<warmup { try mutex.withLock(lockID) {} }
        let jobkit = try rate(pairs) { try mutex.withLock(lockID) {} }
        let request = LockRequest(lockID: lockID, owner: "jobkit-bench", ttl: .seconds(60), liveness: .seconds(30))
        let bare = try rate(pairs) {
            guard case .acquired(let lease) = try store.acquire(request) else { throw ValidationError("refused") }
            _ = try store.release(lease)
        }

        var advisory: Double?
        var select1: Double?
        var settings = "n/a"
        if options.isPostgres {
            let raw = try RawPostgres(url: url)
            let key = String(Int64.random(in: 1...Int64(Int32.max)))
            for _ in 0..<warmup {
                try raw.query("SELECT pg_try_advisory_lock($1::bigint)", [key])
                try raw.query("SELECT pg_advisory_unlock($1::bigint)", [key])
            }
            advisory = try rate(pairs) {
                guard try raw.query("SELECT pg_try_advisory_lock($1::bigint)", [key]) == "t" else {
                    throw ValidationError("advisory lock refused")
                }
                try raw.query("SELECT pg_advisory_unlock($1::bigint)", [key])
            }
            select1 = try rate(pairs) { try raw.query("SELECT 1") }
            settings = "fsync=\(try raw.query("SHOW fsync") ?? "?"), "
                + "synchronous_commit=\(try raw.query("SHOW synchronous_commit") ?? "?")"
        }

        let report = BenchReport(
            title: "jobkit-bench mutex (\(pairs) pairs each)",
            rows: [
                ("store", "store", store.description),
                ("server_settings", "server settings", settings),
                ("pairs", "pairs timed", pairs),
                ("jobkit_pairs_per_s", "JobKit withLock pairs/s", jobkit),
                ("store_pairs_per_s", "JobKit store acquire + release pairs/s (no heartbeat keeper)", bare),
                ("advisory_pairs_per_s", "raw pg_try_advisory_lock + pg_advisory_unlock pairs/s", advisory),
                ("select1_per_s", "raw SELECT 1 round trips/s", select1),
                ("ratio_vs_advisory", "ratio JobKit / advisory", advisory.map { jobkit / $0 }),
            ],
            notes: [
                "A JobKit pair is a durable acquire (a write, committed) and a release (a write; "
                    + "relaxed commit), each one round trip; an advisory pair is two reads that write nothing. "
                    + "With fsync=on, the acquire also waits for the disk to flush.",
            ]
        )
        report.printTable()
        try report.write(toJSON: options.json)
    }
}
