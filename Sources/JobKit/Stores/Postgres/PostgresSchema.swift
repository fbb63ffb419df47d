/// The SQL of the PostgreSQL store: one table, one token sequence, and small functions that
/// keep the lock contract on the server's clock, each answering in one round trip.
///
/// The schema has a version, recorded in the table `<table>_schema`; each version's objects
/// live in their own file (`PostgresSchema+V1.swift`, …), and ``PostgresMigration`` brings a
/// database from any earlier version to ``currentVersion``.
///
/// Times cross the wire as microseconds since the Unix epoch (`bigint`), so no time zone or
/// text format is involved. An acquire reads the row without locking it (a refusal writes
/// nothing), and takes a free row with a compare-and-swap on the version it read, so
/// concurrent acquirers cannot both win and a decision is never made on a stale row.
struct PostgresSchema: Sendable {
    let table: TableName

    var acquireFunction: String { table.quoted(suffix: "_acquire") }
    var heartbeatFunction: String { table.quoted(suffix: "_heartbeat") }
    var releaseFunction: String { table.quoted(suffix: "_release") }
    var sequence: String { table.quoted(suffix: "_token_seq") }

    /// `ts` as epoch microseconds.
    static func us(_ ts: String) -> String { "(extract(epoch FROM \(ts)) * 1000000)::bigint" }
    /// Epoch microseconds `value` as a timestamptz.
    static func ts(_ value: String) -> String { "(timestamptz 'epoch' + \(value) * interval '1 microsecond')" }

    /// The schema version this JobKit creates.
    static let currentVersion = 7

    /// The oldest recorded version this JobKit works with, when it may not migrate: its
    /// statements call functions of versions up to 6 (version 6's set-based batch claims).
    /// Newer functions are used once they are in place (version 7's lean mutex functions, see
    /// `PostgresSchema+V7.swift`).
    static let minimumVersion = 6

    /// The one-row table that records the schema's version (see ``PostgresMigration``).
    var schemaTable: String { table.quoted(suffix: "_schema") }

    /// The key of the transaction-scoped advisory lock that serializes migrations of this
    /// table across processes. Version 1 used the same key, so old and new binaries starting
    /// together also take turns.
    var migrationLockKey: String { "jobkit.migrate:\(table.description)" }

    /// What each version adds, oldest first: one string per object, each safe to run again.
    var steps: [(version: Int, statements: [String])] {
        [(1, version1), (2, version2), (3, version3), (4, version4), (5, version5), (6, version6), (7, version7)]
    }

    var acquire: String {
        "SELECT * FROM \(acquireV5Function)($1, $2, $3::bigint, $4::bigint, $5::bigint, $6, $7, $8::integer, $9::bigint, $10, $11::bigint)"
    }
    /// The batch acquire (set-based, version 6): `$1`… arrays of lock ids, owners, TTLs,
    /// liveness windows, ticks, jobs, job types; `$8` the ledger's retention; `$9` whether to
    /// defer rows being written now.
    var acquireMany: String {
        """
        SELECT * FROM \(acquireManyV6Function)(
            $1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::integer, $9::boolean
        )
        """
    }
    /// The batch release (set-based, version 6): `$1` lock ids, `$2` tokens, `$3` relaxed,
    /// `$4` run outcomes, `$5` errors.
    var releaseMany: String {
        "SELECT * FROM \(releaseManyV6Function)($1::text[], $2::bigint[], $3::boolean, $4::text[], $5::text[])"
    }
    var heartbeat: String { "SELECT * FROM \(heartbeatV2Function)($1, $2::bigint, $3::bigint)" }
    var release: String {
        "SELECT * FROM \(releaseV2Function)($1, $2::bigint, $3::boolean, $4, $5)"
    }

    /// The newest `$2` runs of job `$1`, newest first.
    var history: String {
        let us = Self.us
        return """
        SELECT job, job_type, lock_id, \(us("tick")), token, owner, \(us("started_at")), \(us("ended_at")),
               outcome, error, overlapped, kind
        FROM \(runsTable) WHERE job = $1 ORDER BY token DESC LIMIT $2::integer
        """
    }

    /// Releases and marks the row force-released, both at one instant.
    var forceRelease: String {
        """
        UPDATE \(table.quoted) SET released_at = f.now, force_released_at = f.now
        FROM (SELECT clock_timestamp() AS now) AS f
        WHERE lock_id = $1 AND released_at IS NULL RETURNING token
        """
    }

    var locks: String {
        let us = Self.us
        return """
        SELECT lock_id, owner, token, \(us("acquired_at")), \(us("expires_at")), \(us("alive_until")),
               \(us("released_at")), \(us("last_tick")),
               CASE WHEN released_at IS NOT NULL THEN 'released'
                    WHEN expires_at IS NOT NULL AND expires_at <= clock_timestamp() THEN 'expired'
                    WHEN alive_until IS NOT NULL AND alive_until <= clock_timestamp() THEN 'dead'
                    ELSE 'held' END
        FROM \(table.quoted) ORDER BY lock_id
        """
    }
}
