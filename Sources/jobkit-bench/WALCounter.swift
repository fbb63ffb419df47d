/// Reads PostgreSQL's WAL statistics (`pg_stat_wal`, PostgreSQL 14 and later): how many times
/// the WAL was flushed to disk (`wal_sync`), and how many records and bytes were written.
///
/// Flushes count only with `fsync=on` (the server skips them otherwise). Backends report their
/// counts when a transaction ends (at most once a second while busy) and when they exit, so read
/// the second time after the processes measured have exited.
struct WALCounter {
    let url: String

    struct Reading {
        var syncs: Int64
        var records: Int64
        var bytes: Int64
    }

    /// The counters now, or nil when the server has no `pg_stat_wal`.
    func read() throws -> Reading? {
        let connection = try RawPostgres(url: url)
        guard let text = try? connection.query("SELECT wal_sync || ' ' || wal_records || ' ' || wal_bytes FROM pg_stat_wal") else {
            return nil
        }
        let parts = text.split(separator: " ").compactMap { Int64($0) }
        guard parts.count == 3 else { return nil }
        return Reading(syncs: parts[0], records: parts[1], bytes: parts[2])
    }

    /// The server's `fsync` setting.
    func fsync() throws -> String {
        try RawPostgres(url: url).query("SHOW fsync") ?? "?"
    }
}
