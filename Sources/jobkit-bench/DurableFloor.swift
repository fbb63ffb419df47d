import Foundation

/// The least a lock with crash-safe fencing tokens can cost per acquire + release: one
/// single-row `UPDATE` committed durably and one committed with `synchronous_commit = off`,
/// one round trip each, through raw libpq on a table of one row.
struct DurableFloor {
    private let raw: RawPostgres
    private let table: String

    /// Creates the one-row table (named after this process, so concurrent runs do not share it).
    init(raw: RawPostgres) throws {
        self.raw = raw
        self.table = "jobkit_bench_floor_\(ProcessInfo.processInfo.processIdentifier)"
        try raw.query("CREATE TABLE IF NOT EXISTS \(table) (id integer PRIMARY KEY, n bigint NOT NULL)")
        try raw.query("INSERT INTO \(table) VALUES (1, 0) ON CONFLICT (id) DO NOTHING")
    }

    /// One durable single-row write, then one relaxed one (the release's commit setting, set
    /// inside the same statement so it stays one round trip).
    func pair() throws {
        try raw.query("UPDATE \(table) SET n = n + 1 WHERE id = $1", ["1"])
        try raw.query(
            "UPDATE \(table) SET n = n + 1 WHERE id = $1 AND set_config('synchronous_commit', 'off', true) IS NOT NULL",
            ["1"]
        )
    }

    func drop() throws {
        try raw.query("DROP TABLE IF EXISTS \(table)")
    }
}
