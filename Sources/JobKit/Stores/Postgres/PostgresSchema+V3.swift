/// Version 3 of the PostgreSQL schema: fencing tokens drawn on the database's clock.
///
/// Versions 1 and 2 drew tokens from a sequence, which goes backwards when it is dropped and
/// re-created (`jobkit migrate` after `DROP TABLE … ; DROP SEQUENCE …`: 655 → 1) and when an
/// asynchronous failover loses the commits that advanced it (a token issued twice). From
/// version 3 a token is the acquisition's time in microseconds on the server's clock, made
/// strictly greater than the lock's previous token: `greatest(now µs, previous + 1)`. Lost
/// writes cannot be reissued, because the clock has moved past them by the time anyone acquires
/// again, and a re-created table starts from the clock, not from 1.
///
/// What remains: a clock that is behind the lock's last token (set back, or a standby whose
/// clock lags the old primary's) still gives increasing tokens while the lock's row survives
/// (`previous + 1`), and the acquisition is reported (`store.clock_behind`, see
/// ``Lease/tokenAheadOfClock``); a lost row *and* a clock behind the lost tokens together could
/// reissue a token, which only agreeing clocks prevent.
///
/// A token identifies a run only together with its lock id (two locks may be taken in the same
/// microsecond), so the run ledger's key becomes `(lock_id, token)`.
///
/// Versions 1 and 2's acquire functions are redefined in place (same signatures, same answers,
/// only the token rule changes), so binaries of those versions still running while a fleet
/// upgrades draw tokens on the same rule. A binary of version 1 re-creates its own functions
/// when it starts (it predates versions), which brings the sequence rule back for its own
/// acquisitions: do not restart version-1 binaries after migrating to version 3.
extension PostgresSchema {
    /// The objects version 3 adds or redefines, in creation order.
    var version3: [String] {
        [v3RunsKey, v1Acquire(tokens: .clock), v2Acquire(tokens: .clock)]
    }

    /// How an acquire function draws a lock's next fencing token, as SQL inside it (where `r`
    /// is the lock's row as read and `v_now` the acquisition's time).
    struct TokenRule: Sendable {
        /// The token of a lock that has no row yet.
        let first: @Sendable (PostgresSchema) -> String
        /// The token of a lock whose row `r` exists.
        let next: @Sendable (PostgresSchema) -> String
        /// Whether the run ledger is keyed by `(lock_id, token)` rather than `token` alone.
        let runKeyedByLock: Bool

        /// Versions 1 and 2: the table's sequence.
        static let sequence = TokenRule(
            first: { "nextval('\($0.sequence)')" }, next: { "nextval('\($0.sequence)')" }, runKeyedByLock: false
        )

        /// Version 3: the acquisition's time in microseconds, strictly above the previous token.
        static let clock = TokenRule(
            first: { _ in PostgresSchema.us("v_now") },
            next: { _ in "greatest(\(PostgresSchema.us("v_now")), r.token + 1)" },
            runKeyedByLock: true
        )
    }

    /// Re-keys the run ledger by `(lock_id, token)`; does nothing when it already is.
    var v3RunsKey: String {
        let runs = runsTable
        return """
        DO $do$
        DECLARE
            v_name text;
            v_definition text;
        BEGIN
            SELECT conname, pg_get_constraintdef(oid) INTO v_name, v_definition
            FROM pg_constraint WHERE conrelid = '\(runs)'::regclass AND contype = 'p';
            IF v_definition IS DISTINCT FROM 'PRIMARY KEY (lock_id, token)' THEN
                IF v_name IS NOT NULL THEN
                    EXECUTE format('ALTER TABLE \(runs) DROP CONSTRAINT %I', v_name);
                END IF;
                ALTER TABLE \(runs) ADD PRIMARY KEY (lock_id, token);
            END IF;
        END
        $do$
        """
    }
}
