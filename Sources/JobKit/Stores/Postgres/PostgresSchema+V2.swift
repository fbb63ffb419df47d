/// Version 2 of the PostgreSQL schema: the version record, the force-release mark, and the run
/// ledger, with functions that write it inside the acquire and release round trips.
///
/// Everything here is added next to version 1, never in its place: version-1 binaries keep
/// calling version 1's functions against the same lock table while a fleet upgrades. New
/// signatures get new names (`<table>_acquire_v2`, …); the lock table only gains a nullable
/// column, which version 1's functions never read.
extension PostgresSchema {
    /// The objects version 2 adds, in creation order.
    var version2: [String] {
        [v2SchemaTable, v2ForceReleasedColumn, v2RunSeqColumn, v2RunsTable, v2RunsIndex, v2Acquire, v2Heartbeat, v2Release]
    }

    var acquireV2Function: String { table.quoted(suffix: "_acquire_v2") }
    var heartbeatV2Function: String { table.quoted(suffix: "_heartbeat_v2") }
    var releaseV2Function: String { table.quoted(suffix: "_release_v2") }
    /// The run ledger: one row per run of a job.
    var runsTable: String { table.quoted(suffix: "_runs") }

    /// The one-row table that records the schema's version. A row rather than a comment on
    /// the lock table: a role with `SELECT` reads it with a plain query, the migration updates
    /// it in the same transaction as the objects it creates, and dump tools that drop comments
    /// keep it.
    var v2SchemaTable: String {
        """
        CREATE TABLE IF NOT EXISTS \(schemaTable) (
            id          integer PRIMARY KEY CHECK (id = 1),
            version     integer NOT NULL,
            migrated_at timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """
    }

    /// Set with `released_at` by a force-release, cleared by the next version-2 acquisition, so
    /// the holder's heartbeat or release can tell a force-release from its own retried release.
    /// A version-1 acquisition does not clear it, so the functions count it only when it is not
    /// older than the acquisition.
    var v2ForceReleasedColumn: String {
        "ALTER TABLE \(table.quoted) ADD COLUMN IF NOT EXISTS force_released_at timestamptz"
    }

    /// The number of the lock's latest job run, counted by `acquire_v2` in the same write that
    /// takes the lock: it numbers the ledger's rows without a lookup. Version 1 never reads it.
    var v2RunSeqColumn: String {
        "ALTER TABLE \(table.quoted) ADD COLUMN IF NOT EXISTS run_seq bigint"
    }

    /// One row per run of a job, keyed by the run's fencing token (unique per lock table);
    /// `seq` numbers a lock's runs (from the lock row's `run_seq`) so retention prunes by index,
    /// never by a sweep.
    var v2RunsTable: String {
        """
        CREATE TABLE IF NOT EXISTS \(runsTable) (
            token       bigint PRIMARY KEY,
            job         text NOT NULL,
            seq         bigint NOT NULL,
            job_type    text,
            lock_id     text NOT NULL,
            tick        timestamptz,
            owner       text NOT NULL,
            started_at  timestamptz NOT NULL,
            ended_at    timestamptz,
            outcome     text NOT NULL DEFAULT 'running',
            error       text,
            overlapped  boolean NOT NULL DEFAULT false
        )
        """
    }

    var v2RunsIndex: String {
        // An index lives in its table's schema, so its name is never qualified.
        "CREATE INDEX IF NOT EXISTS \"\(table.name)_runs_job_seq\" ON \(runsTable) (job, seq)"
    }

    /// Inserts the run row of token `v_token` for `p_job`, number `v_seq`, started at `v_now`, and prunes the
    /// job's ledger to the newest `p_keep` rows (PL/pgSQL, inside the acquire functions). A
    /// token seen before (a sequence reset by hand) replaces its row.
    ///
    /// Pruning is bounded work: each run deletes the one row that just fell out of the bound,
    /// by index equality; every 64th run also deletes up to 64 older ones (left by a lowered
    /// bound), so no run ever sweeps the table.
    private func insertRun(_ tokens: TokenRule) -> String {
        """
        INSERT INTO \(runsTable) (token, job, seq, job_type, lock_id, tick, owner, started_at)
                VALUES (v_token, p_job, v_seq, p_job_type, p_lock_id, v_tick, p_owner, v_now)
                ON CONFLICT (\(tokens.runKeyedByLock ? "lock_id, token" : "token")) DO UPDATE SET job = excluded.job, seq = excluded.seq,
                    job_type = excluded.job_type, lock_id = excluded.lock_id, tick = excluded.tick,
                    owner = excluded.owner, started_at = excluded.started_at, ended_at = NULL,
                    outcome = 'running', error = NULL, overlapped = false;
                IF p_keep IS NOT NULL THEN
                    DELETE FROM \(runsTable) WHERE job = p_job AND seq = v_seq - p_keep;
                    IF v_seq % 64 = 0 THEN
                        DELETE FROM \(runsTable) WHERE token IN (
                            SELECT token FROM \(runsTable) WHERE job = p_job AND seq < v_seq - p_keep ORDER BY seq LIMIT 64
                        );
                    END IF;
                END IF;
        """
    }

    /// `acquire_v2`: version 1's acquire, plus, in the same round trip, the run's ledger row
    /// (when `p_job` is set: `withDBMutex` passes none) and its pruning, the previous holder's run marked
    /// `lost` when it is taken over, the force-release mark cleared, and the tick claimed
    /// before this one (`o_prev_tick_us`): the gap between the two is what no machine ran.
    var v2Acquire: String { v2Acquire(tokens: .sequence) }

    /// Version 2's acquire with its fencing tokens drawn by `tokens` (version 3 redefines it
    /// with ``TokenRule/clock``, keeping the signature and the answers).
    func v2Acquire(tokens: TokenRule) -> String {
        let t = table.quoted
        let us = Self.us
        let ts = Self.ts
        return """
        CREATE OR REPLACE FUNCTION \(acquireV2Function)(
            p_lock_id text, p_owner text, p_ttl_us bigint, p_live_us bigint, p_tick_us bigint,
            p_job text, p_job_type text, p_keep integer, p_now_us bigint DEFAULT NULL
        ) RETURNS TABLE (
            o_acquired boolean, o_token bigint, o_owner text, o_acquired_us bigint, o_expires_us bigint,
            o_alive_us bigint, o_last_tick_us bigint, o_prev_owner text, o_prev_token bigint,
            o_prev_acquired_us bigint, o_prev_expires_us bigint, o_prev_alive_us bigint, o_reason text,
            o_prev_tick_us bigint
        ) LANGUAGE plpgsql AS $fn$
        DECLARE
            r \(t)%ROWTYPE;
            v_now timestamptz := coalesce(\(ts("p_now_us")), clock_timestamp());
            v_tick timestamptz := \(ts("p_tick_us"));
            v_token bigint;
            v_reason text;
            v_seq bigint;
        BEGIN
            -- A plain read first: a refusal (the common answer under contention) then takes no
            -- row lock and writes nothing, so it costs no WAL flush.
            SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
            IF FOUND THEN
                IF v_tick IS NOT NULL AND r.last_tick IS NOT NULL AND v_tick <= r.last_tick THEN
                    v_reason := 'already_ran';
                ELSIF r.released_at IS NULL
                      AND (r.expires_at IS NULL OR r.expires_at > v_now)
                      AND (r.alive_until IS NULL OR r.alive_until > v_now) THEN
                    v_reason := 'lock_held';
                END IF;
                IF v_reason IS NOT NULL THEN
                    -- A refusal has no previous holder: o_prev_acquired_us carries the server's time of
                    -- the decision instead (callers waiting for the lock judge time on it).
                    RETURN QUERY SELECT false, r.token, r.owner, \(us("r.acquired_at")), \(us("r.expires_at")),
                        \(us("r.alive_until")), \(us("r.last_tick")), NULL::text, NULL::bigint, \(us("v_now")),
                        NULL::bigint, NULL::bigint, v_reason, NULL::bigint;
                    RETURN;
                END IF;
            END IF;

            IF NOT FOUND THEN
                INSERT INTO \(t) (lock_id, token, owner, acquired_at, expires_at, alive_until, released_at, last_tick, run_seq)
                VALUES (p_lock_id, \(tokens.first(self)), p_owner, v_now,
                        v_now + p_ttl_us * interval '1 microsecond', v_now + p_live_us * interval '1 microsecond',
                        NULL, v_tick, CASE WHEN p_job IS NOT NULL THEN 1 END)
                ON CONFLICT (lock_id) DO NOTHING
                RETURNING token, run_seq INTO v_token, v_seq;
                IF v_token IS NOT NULL THEN
                    IF p_job IS NOT NULL THEN
                        \(insertRun(tokens))
                    END IF;
                    RETURN QUERY SELECT true, v_token, p_owner, \(us("v_now")),
                        \(us("v_now + p_ttl_us * interval '1 microsecond'")), \(us("v_now + p_live_us * interval '1 microsecond'")),
                        p_tick_us, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::bigint;
                    RETURN;
                END IF;
            END IF;

            -- The row looked free. Take it with a compare-and-swap on the exact version read, so
            -- the decision made on that version stands; if another process changed the row in
            -- between, read it again and decide again. No row lock is held across statements.
            LOOP
                IF r.lock_id IS NULL THEN
                    -- Absent at first, but a concurrent insert won the race.
                    SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
                END IF;
                v_now := coalesce(\(ts("p_now_us")), clock_timestamp());
                IF v_tick IS NOT NULL AND r.last_tick IS NOT NULL AND v_tick <= r.last_tick THEN
                    v_reason := 'already_ran';
                ELSIF r.released_at IS NOT NULL THEN
                    v_reason := 'released';
                ELSIF r.expires_at IS NOT NULL AND r.expires_at <= v_now THEN
                    v_reason := 'expired';
                ELSIF r.alive_until IS NOT NULL AND r.alive_until <= v_now THEN
                    v_reason := 'owner_dead';
                ELSE
                    v_reason := 'lock_held';
                END IF;

                IF v_reason IN ('already_ran', 'lock_held') THEN
                    -- A refusal has no previous holder: o_prev_acquired_us carries the server's time of
                    -- the decision instead (callers waiting for the lock judge time on it).
                    RETURN QUERY SELECT false, r.token, r.owner, \(us("r.acquired_at")), \(us("r.expires_at")),
                        \(us("r.alive_until")), \(us("r.last_tick")), NULL::text, NULL::bigint, \(us("v_now")),
                        NULL::bigint, NULL::bigint, v_reason, NULL::bigint;
                    RETURN;
                END IF;

                v_token := \(tokens.next(self));
                UPDATE \(t) SET token = v_token, owner = p_owner, acquired_at = v_now,
                    expires_at = v_now + p_ttl_us * interval '1 microsecond',
                    alive_until = v_now + p_live_us * interval '1 microsecond',
                    released_at = NULL, force_released_at = NULL, last_tick = coalesce(v_tick, r.last_tick),
                    run_seq = CASE WHEN p_job IS NOT NULL THEN coalesce(r.run_seq, 0) + 1 ELSE r.run_seq END
                WHERE lock_id = p_lock_id AND token = r.token
                  AND released_at IS NOT DISTINCT FROM r.released_at
                  AND alive_until IS NOT DISTINCT FROM r.alive_until
                  AND last_tick IS NOT DISTINCT FROM r.last_tick;
                IF FOUND THEN
                    IF p_job IS NOT NULL THEN
                        v_seq := coalesce(r.run_seq, 0) + 1;
                        IF v_reason <> 'released' THEN
                            -- The previous holder is presumed gone: its run ends as lost, unless it
                            -- comes back and releases (its release then writes what happened).
                            UPDATE \(runsTable) SET outcome = 'lost', ended_at = v_now
                            WHERE token = r.token\(tokens.runKeyedByLock ? " AND lock_id = p_lock_id" : "") AND outcome = 'running';
                        END IF;
                        \(insertRun(tokens))
                    END IF;
                    RETURN QUERY SELECT true, v_token, p_owner, \(us("v_now")),
                        \(us("v_now + p_ttl_us * interval '1 microsecond'")), \(us("v_now + p_live_us * interval '1 microsecond'")),
                        \(us("coalesce(v_tick, r.last_tick)")),
                        CASE WHEN v_reason = 'released' THEN NULL ELSE r.owner END,
                        CASE WHEN v_reason = 'released' THEN NULL ELSE r.token END,
                        \(us("r.acquired_at")), \(us("r.expires_at")), \(us("r.alive_until")), v_reason,
                        \(us("r.last_tick"));
                    RETURN;
                END IF;
                SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
            END LOOP;
        END
        $fn$;
        """
    }

    /// `heartbeat_v2`: version 1's heartbeat, and when the lease is gone, how: `o_loss` is
    /// `force_released` (with `o_at_us`; a deleted row has none), `taken_over`,
    /// `taken_over_released` (the holder that took over has released since), or `released`.
    var v2Heartbeat: String {
        let t = table.quoted
        let us = Self.us
        return """
        CREATE OR REPLACE FUNCTION \(heartbeatV2Function)(p_lock_id text, p_token bigint, p_live_us bigint)
        RETURNS TABLE (
            o_alive boolean, o_expired boolean, o_owner text, o_token bigint, o_acquired_us bigint,
            o_expires_us bigint, o_alive_us bigint, o_loss text, o_at_us bigint
        ) LANGUAGE plpgsql AS $fn$
        DECLARE
            r \(t)%ROWTYPE;
            v_now timestamptz := clock_timestamp();
        BEGIN
            UPDATE \(t) SET alive_until = v_now + p_live_us * interval '1 microsecond'
            WHERE lock_id = p_lock_id AND token = p_token AND released_at IS NULL
            RETURNING * INTO r;
            IF FOUND THEN
                RETURN QUERY SELECT true, (r.expires_at IS NOT NULL AND r.expires_at <= v_now),
                    NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::bigint;
                RETURN;
            END IF;
            -- Lost: force-released (or the row deleted), or taken over by the row's holder, who may have released since.
            SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
            IF NOT FOUND THEN
                RETURN QUERY SELECT false, false, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,
                    'force_released'::text, NULL::bigint;
            ELSIF r.token <> p_token THEN
                RETURN QUERY SELECT false, false, r.owner, r.token, \(us("r.acquired_at")),
                    \(us("r.expires_at")), \(us("r.alive_until")),
                    CASE WHEN r.released_at IS NULL THEN 'taken_over' ELSE 'taken_over_released' END, NULL::bigint;
            ELSIF r.force_released_at IS NOT NULL AND r.force_released_at >= r.acquired_at THEN
                RETURN QUERY SELECT false, false, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,
                    'force_released'::text, \(us("r.force_released_at"));
            ELSE
                RETURN QUERY SELECT false, false, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,
                    'released'::text, NULL::bigint;
            END IF;
        END
        $fn$;
        """
    }

    /// `release_v2`: version 1's release, answering losses as `heartbeat_v2` does, and, in the
    /// same round trip and commit, the end of the run's ledger row (when `p_outcome` is set).
    ///
    /// The row's outcome is `p_outcome` (`succeeded`, `failed`, `cancelled`, `lost`), except
    /// that a run whose work succeeded but whose lease ran out first is `overran`, or `lost`
    /// when an operator force-released it; `overlapped` says another holder took over.
    var v2Release: String {
        let t = table.quoted
        let us = Self.us
        return """
        CREATE OR REPLACE FUNCTION \(releaseV2Function)(
            p_lock_id text, p_token bigint, p_relaxed boolean, p_outcome text, p_error text
        ) RETURNS TABLE (
            o_outcome text, o_at_us bigint, o_owner text, o_token bigint, o_acquired_us bigint,
            o_expires_us bigint, o_alive_us bigint
        ) LANGUAGE plpgsql AS $fn$
        DECLARE
            r \(t)%ROWTYPE;
            v_now timestamptz;
            v_answer text;
            v_at timestamptz;
        BEGIN
            IF p_relaxed THEN
                PERFORM set_config('synchronous_commit', 'off', true);
            END IF;
            -- The common case in one statement: our token, not yet released.
            v_now := clock_timestamp();
            UPDATE \(t) SET released_at = v_now
            WHERE lock_id = p_lock_id AND token = p_token AND released_at IS NULL
            RETURNING * INTO r;
            IF FOUND THEN
                IF r.expires_at IS NOT NULL AND r.expires_at <= v_now THEN
                    v_answer := 'expired';
                    v_at := r.expires_at;
                ELSE
                    v_answer := 'released';
                END IF;
            ELSE
                -- Lost (as in the heartbeat), or released already by us (a retried release).
                SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
                IF NOT FOUND THEN
                    v_answer := 'force_released';
                ELSIF r.token <> p_token THEN
                    v_answer := CASE WHEN r.released_at IS NULL THEN 'taken_over' ELSE 'taken_over_released' END;
                ELSIF r.force_released_at IS NOT NULL AND r.force_released_at >= r.acquired_at THEN
                    v_answer := 'force_released';
                    v_at := r.force_released_at;
                ELSIF r.expires_at IS NOT NULL AND r.expires_at <= r.released_at THEN
                    v_answer := 'expired';
                    v_at := r.expires_at;
                ELSE
                    v_answer := 'released';
                END IF;
            END IF;

            IF p_outcome IS NOT NULL THEN
                UPDATE \(runsTable) SET ended_at = v_now, error = left(p_error, 1000),
                    overlapped = v_answer IN ('taken_over', 'taken_over_released'),
                    outcome = CASE
                        WHEN p_outcome <> 'succeeded' OR v_answer = 'released' THEN p_outcome
                        WHEN v_answer = 'force_released' THEN 'lost'
                        ELSE 'overran' END
                WHERE token = p_token AND lock_id = p_lock_id;
            END IF;

            IF v_answer IN ('taken_over', 'taken_over_released') THEN
                RETURN QUERY SELECT v_answer, NULL::bigint, r.owner, r.token, \(us("r.acquired_at")),
                    \(us("r.expires_at")), \(us("r.alive_until"));
            ELSE
                RETURN QUERY SELECT v_answer, \(us("v_at")), NULL::text, NULL::bigint, NULL::bigint,
                    NULL::bigint, NULL::bigint;
            END IF;
        END
        $fn$;
        """
    }

    /// Records `$1` as the version, never lowering a newer one (a binary of an older version
    /// migrating a newer schema changes nothing).
    var recordVersion: String {
        """
        INSERT INTO \(schemaTable) (id, version) VALUES (1, $1::integer)
        ON CONFLICT (id) DO UPDATE SET version = greatest(\(schemaTable).version, excluded.version),
            migrated_at = clock_timestamp()
        """
    }

    /// Whether the version table and the lock table exist (`to_regclass` needs no privilege).
    var findTables: String { "SELECT to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL" }

    /// The recorded version.
    var readVersion: String { "SELECT version FROM \(schemaTable) WHERE id = 1" }
}
