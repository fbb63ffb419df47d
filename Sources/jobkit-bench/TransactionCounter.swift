/// Reads how many transactions PostgreSQL has committed and rolled back in the current
/// database (`pg_stat_database`), for a statements-per-tick figure.
///
/// Every JobKit call (acquire, heartbeat, release) is one autocommitted statement, so the
/// difference between two readings counts JobKit's statements, plus anything else that ran
/// in the database meanwhile: start-up migrations, and other clients. A backend's counters
/// reach `pg_stat_database` when it exits (or within a second or so when it idles), so read
/// the second time after the processes measured have exited.
struct TransactionCounter {
    let url: String

    /// The transactions finished so far, through a connection of its own.
    func read() throws -> Int64 {
        let connection = try RawPostgres(url: url)
        let text = try connection.query(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
        )
        return text.flatMap { Int64($0) } ?? 0
    }
}
