/// The SQL of the SQLite store: the lock table and a one-row token counter.
///
/// Times are INTEGER microseconds since the Unix epoch. SQLite's clock is read inside each
/// transaction; its `'now'` has millisecond resolution, so the times it writes are whole
/// milliseconds (kept as microseconds, like every store). The rules themselves run in Swift
/// (`LockRules`) between the read and the write of one `BEGIN IMMEDIATE` transaction.
///
/// Needs SQLite 3.24 or later (`ON CONFLICT … DO UPDATE`).
struct SQLiteSchema: Sendable {
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
                last_tick   INTEGER,
                force_released_at INTEGER
            ) WITHOUT ROWID
            """,
            "CREATE TABLE IF NOT EXISTS \(tokenTable) (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
            // Seeded past every token already in the table, should the counter ever be lost,
            // and at no less than the time in microseconds: a file deleted and made again
            // (see SQLiteLockStore) goes on from past every token the old file handed out,
            // since fewer than a million locks a second are taken, so a stale lease never
            // matches a new holder's token.
            "INSERT OR IGNORE INTO \(tokenTable) (id, value) "
                + "SELECT 1, max(coalesce(max(token), 0), \(Self.nowMicroseconds)) FROM \(table.quoted)",
        ]
    }

    /// The force-release mark, added to tables created before it existed. SQLite has no
    /// `ADD COLUMN IF NOT EXISTS`: the store runs this only when ``columnNames`` lacks it.
    static let forceReleasedColumn = "force_released_at"
    var addForceReleasedColumn: String { "ALTER TABLE \(table.quoted) ADD COLUMN \(Self.forceReleasedColumn) INTEGER" }
    /// The column names of the table named `?1`, one per row.
    static let columnNames = "SELECT name FROM pragma_table_info(?1)"


    /// The columns of a lock row, in the order ``SQLiteLockStore`` reads them.
    static let columns = "lock_id, owner, token, acquired_at, expires_at, alive_until, released_at, last_tick, force_released_at"

    /// The time (`?2` when set, else SQLite's clock) and the row of lock `?1`, if any, in one
    /// statement so both come from the same step.
    var readRow: String {
        """
        SELECT coalesce(?2, \(Self.nowMicroseconds)), l.lock_id, l.owner, l.token, l.acquired_at,
               l.expires_at, l.alive_until, l.released_at, l.last_tick, l.force_released_at
        FROM (SELECT 1) AS one LEFT JOIN \(table.quoted) AS l ON l.lock_id = ?1
        """
    }

    /// SQLite's current time.
    var now: String { "SELECT \(Self.nowMicroseconds)" }

    /// Advances the counter; ``currentToken`` then reads it (same transaction).
    var advanceToken: String { "UPDATE \(tokenTable) SET value = value + 1 WHERE id = 1" }
    var currentToken: String { "SELECT value FROM \(tokenTable) WHERE id = 1" }

    /// Writes a whole row, inserting or replacing it.
    var writeRow: String {
        """
        INSERT INTO \(table.quoted) (\(Self.columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        ON CONFLICT (lock_id) DO UPDATE SET owner = excluded.owner, token = excluded.token,
            acquired_at = excluded.acquired_at, expires_at = excluded.expires_at,
            alive_until = excluded.alive_until, released_at = excluded.released_at,
            last_tick = excluded.last_tick, force_released_at = excluded.force_released_at
        """
    }

    /// Every row, by lock id (SQLite's BINARY collation: code point order).
    var list: String { "SELECT \(Self.columns) FROM \(table.quoted) ORDER BY lock_id" }
}
