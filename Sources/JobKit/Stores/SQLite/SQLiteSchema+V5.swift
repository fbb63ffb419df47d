/// Version 5 of the SQLite schema: fleet controls, as in PostgreSQL's version 5. The rules run
/// in Swift (``ControlRules``) inside the acquire's transaction.
extension SQLiteSchema {
    /// The tables version 5 adds (and the run's kind on the ledger, added by the store with
    /// ``addRunKindColumn`` after checking ``columnNames``).
    var version5: [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS \(controlsTable) (
                job          TEXT PRIMARY KEY NOT NULL,
                paused_at    INTEGER,
                paused_by    TEXT,
                reason       TEXT,
                skipped_tick INTEGER
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE IF NOT EXISTS \(triggersTable) (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                job          TEXT NOT NULL,
                requested_by TEXT NOT NULL,
                requested_at INTEGER NOT NULL,
                seen_by      TEXT,
                claimed_by   TEXT,
                claimed_at   INTEGER,
                token        INTEGER
            )
            """,
            "CREATE INDEX IF NOT EXISTS \(table.quoted(suffix: "_triggers_job")) ON \(triggersTable) (job)",
        ]
    }

    /// Each job's pause and newest tick skipped as paused.
    var controlsTable: String { table.quoted(suffix: "_controls") }
    /// The trigger requests.
    var triggersTable: String { table.quoted(suffix: "_triggers") }

    /// The run's kind (version 5). Like the force-release mark, added only when missing.
    static let runKindColumn = "kind"
    var addRunKindColumn: String { "ALTER TABLE \(runsTable) ADD COLUMN \(Self.runKindColumn) TEXT" }

    /// The control row of job `?1`: pause time, author, note, newest skipped tick.
    var readControl: String {
        "SELECT paused_at, paused_by, reason, skipped_tick FROM \(controlsTable) WHERE job = ?1"
    }

    /// Writes the control row of job `?1`.
    var writeControl: String {
        """
        INSERT INTO \(controlsTable) (job, paused_at, paused_by, reason, skipped_tick) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (job) DO UPDATE SET paused_at = excluded.paused_at, paused_by = excluded.paused_by,
            reason = excluded.reason, skipped_tick = excluded.skipped_tick
        """
    }

    /// Every paused job.
    var listPauses: String {
        "SELECT job, paused_at, paused_by, reason, skipped_tick FROM \(controlsTable) WHERE paused_at IS NOT NULL ORDER BY job"
    }

    /// The columns of a trigger request, in the order ``SQLiteLockStore`` reads them.
    static let triggerColumns = "id, job, requested_by, requested_at, seen_by, claimed_by, token"

    /// Records a trigger request for job `?1` by `?2` at `?3`, answering it.
    var insertTrigger: String {
        "INSERT INTO \(triggersTable) (job, requested_by, requested_at) VALUES (?1, ?2, ?3) RETURNING \(Self.triggerColumns)"
    }

    /// Deletes the requests older than `?1`.
    var pruneTriggers: String { "DELETE FROM \(triggersTable) WHERE requested_at < ?1" }

    /// Trigger request `?1`.
    var readTrigger: String { "SELECT \(Self.triggerColumns) FROM \(triggersTable) WHERE id = ?1" }

    /// Deletes trigger request `?1` unless it was claimed.
    var withdrawTrigger: String { "DELETE FROM \(triggersTable) WHERE id = ?1 AND claimed_by IS NULL RETURNING id" }

    /// Claims trigger request `?1` for `?2` at `?3`, with the run's token `?4`.
    var claimTrigger: String {
        "UPDATE \(triggersTable) SET claimed_by = ?2, claimed_at = ?3, token = ?4 WHERE id = ?1 AND claimed_by IS NULL"
    }

    /// Marks the unclaimed, unseen requests for the jobs in the JSON array `?1` as seen by `?2`.
    var markTriggersSeen: String {
        """
        UPDATE \(triggersTable) SET seen_by = ?2
        WHERE claimed_by IS NULL AND seen_by IS NULL AND job IN (SELECT value FROM json_each(?1))
        """
    }

    /// The pauses and unclaimed requests of the jobs in the JSON array `?1`.
    var pollControls: String {
        """
        SELECT 'pause', job, reason, paused_by, paused_at, NULL, NULL FROM \(controlsTable)
        WHERE paused_at IS NOT NULL AND job IN (SELECT value FROM json_each(?1))
        UNION ALL
        SELECT 'trigger', job, NULL, requested_by, requested_at, id, seen_by FROM \(triggersTable)
        WHERE claimed_by IS NULL AND job IN (SELECT value FROM json_each(?1))
        """
    }
}
