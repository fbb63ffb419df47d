import JobKit

/// A verbatim copy of the SQLite schema version 1, as `main` created it before schemas had a
/// version (Sources/JobKit/Stores/SQLite/SQLiteSchema.swift at commit 2b07589). Never edit it.
struct SQLiteSchemaV1Fixture {
    let table: TableName

    /// The counter the fencing tokens come from. It only grows, and it outlives every row:
    /// a token is never handed out twice, whatever happens to the lock rows.
    var tokenTable: String { table.quoted(suffix: "_token_seq") }

    /// SQLite's current time as epoch microseconds. Rounding to the millisecond is exact:
    /// `'now'` is kept in whole milliseconds, and the julian-day double is off by far less.
    static let nowMicroseconds = "CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER) * 1000"

    /// Creates what is missing. Run in one `BEGIN IMMEDIATE` transaction, so processes
    /// starting together do not trip over each other.
    var migration: [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS \(table.quoted) (
                lock_id     TEXT PRIMARY KEY NOT NULL CHECK (length(lock_id) BETWEEN 1 AND 255),
                owner       TEXT NOT NULL,
                token       INTEGER NOT NULL,
                acquired_at INTEGER NOT NULL,
                expires_at  INTEGER,
                alive_until INTEGER,
                released_at INTEGER,
                last_tick   INTEGER
            ) WITHOUT ROWID
            """,
            "CREATE TABLE IF NOT EXISTS \(tokenTable) (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
            // Seeded past every token already in the table, should the counter ever be lost.
            "INSERT OR IGNORE INTO \(tokenTable) (id, value) SELECT 1, coalesce(max(token), 0) FROM \(table.quoted)",
        ]
    }

}
