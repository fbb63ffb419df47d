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

    /// The schema version this JobKit creates and needs.
    static let currentVersion = 5

    /// The one-row table that records the schema's version, as in PostgreSQL.
    var schemaTable: String { table.quoted(suffix: "_schema") }

    /// What each version adds, oldest first: one string per object, each safe to run again.
    /// Run by ``SQLiteLockStore`` in one `BEGIN IMMEDIATE` transaction, so processes starting
    /// together do not trip over each other.
    var steps: [(version: Int, statements: [String])] {
        [(1, version1), (2, version2), (5, version5)]
    }

    /// Version 1, **frozen**: the tables JobKit created before schemas had a version.
    /// Version-1 binaries keep using this table while a machine's schedulers are upgraded
    /// one by one, so later versions add beside it and never change it. One difference from
    /// the original (kept in the test fixture): a token counter created now is seeded at the
    /// time in microseconds, not at 1, so a file deleted and made again never reissues a
    /// token; an existing counter row is left as it is.
    var version1: [String] {
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
            // Seeded past every token already in the table, should the counter ever be lost,
            // and at no less than the time in microseconds: a file deleted and made again
            // (see SQLiteLockStore) goes on from past every token the old file handed out,
            // since fewer than a million locks a second are taken, so a stale lease never
            // matches a new holder's token.
            "INSERT OR IGNORE INTO \(tokenTable) (id, value) "
                + "SELECT 1, max(coalesce(max(token), 0), \(Self.nowMicroseconds)) FROM \(table.quoted)",
        ]
    }

    /// Version 2: the version record, the run ledger (and the force-release mark on the lock
    /// table, added by the store with ``addForceReleasedColumn`` after checking ``columnNames``).
    var version2: [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS \(schemaTable) (
                id          INTEGER PRIMARY KEY CHECK (id = 1),
                version     INTEGER NOT NULL,
                migrated_at INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(runsTable) (
                token       INTEGER PRIMARY KEY,
                job         TEXT NOT NULL,
                seq         INTEGER NOT NULL,
                job_type    TEXT,
                lock_id     TEXT NOT NULL,
                tick        INTEGER,
                owner       TEXT NOT NULL,
                started_at  INTEGER NOT NULL,
                ended_at    INTEGER,
                outcome     TEXT NOT NULL DEFAULT 'running',
                error       TEXT,
                overlapped  INTEGER NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX IF NOT EXISTS \(table.quoted(suffix: "_runs_job_seq")) ON \(runsTable) (job, seq)",
        ]
    }

    /// The run ledger: one row per run of a job, as in PostgreSQL.
    var runsTable: String { table.quoted(suffix: "_runs") }

    /// Opens the run row of token `?1` for job `?2` (type `?3`, lock `?4`, tick `?5`, owner
    /// `?6`, started `?7`, kind `?8`), numbering it after the job's newest run.
    var insertRun: String {
        """
        INSERT INTO \(runsTable) (token, job, seq, job_type, lock_id, tick, owner, started_at, kind)
        VALUES (?1, ?2, coalesce((SELECT max(seq) FROM \(runsTable) WHERE job = ?2), 0) + 1, ?3, ?4, ?5, ?6, ?7, ?8)
        ON CONFLICT (token) DO UPDATE SET job = excluded.job, seq = excluded.seq, job_type = excluded.job_type,
            lock_id = excluded.lock_id, tick = excluded.tick, owner = excluded.owner, started_at = excluded.started_at,
            ended_at = NULL, outcome = 'running', error = NULL, overlapped = 0, kind = excluded.kind
        """
    }

    /// Ends the run of token `?1` as lost at `?2`, if it is still running.
    var markRunLost: String {
        "UPDATE \(runsTable) SET outcome = 'lost', ended_at = ?2 WHERE token = ?1 AND outcome = 'running'"
    }

    /// Ends the run of token `?1`: at `?2`, outcome `?3`, error `?4`, overlapped `?5`.
    var endRun: String {
        "UPDATE \(runsTable) SET ended_at = ?2, outcome = ?3, error = ?4, overlapped = ?5 WHERE token = ?1"
    }

    /// The number of the run of token `?1`.
    var runNumber: String { "SELECT seq FROM \(runsTable) WHERE token = ?1" }

    /// Deletes job `?1`'s run numbered `?2` (the one that just fell out of the retention bound).
    var pruneRun: String { "DELETE FROM \(runsTable) WHERE job = ?1 AND seq = ?2" }

    /// Deletes at most ``RunRetention/sweepEvery`` of job `?1`'s runs numbered below `?2`,
    /// oldest first, by index.
    var sweepRuns: String {
        """
        DELETE FROM \(runsTable) WHERE token IN (
            SELECT token FROM \(runsTable) WHERE job = ?1 AND seq < ?2 ORDER BY seq LIMIT \(RunRetention.sweepEvery)
        )
        """
    }

    /// The newest `?2` runs of job `?1`, newest first, in the order ``SQLiteLockStore`` reads them.
    var history: String {
        """
        SELECT job, job_type, lock_id, tick, token, owner, started_at, ended_at, outcome, error, overlapped, kind
        FROM \(runsTable) WHERE job = ?1 ORDER BY token DESC LIMIT ?2
        """
    }

    /// Records `?1` as the version, never lowering a newer one.
    var recordVersion: String {
        """
        INSERT INTO \(schemaTable) (id, version, migrated_at) VALUES (1, ?1, \(Self.nowMicroseconds))
        ON CONFLICT (id) DO UPDATE SET version = max(version, excluded.version), migrated_at = excluded.migrated_at
        """
    }

    /// Which of the version table (`?1`) and the lock table (`?2`) exist.
    var findTables: String {
        "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1), "
            + "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?2)"
    }

    /// The recorded version.
    var readVersion: String { "SELECT version FROM \(schemaTable) WHERE id = 1" }

    /// The force-release mark (version 2). SQLite has no `ADD COLUMN IF NOT EXISTS`: the store
    /// runs this only when ``columnNames`` lacks it.
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
