/// Version 7 of the PostgreSQL schema: lean per-lock functions for the mutex used without a
/// job (`withDBMutex`, `DBMutex.withLock`), the path whose cost per acquire + release is
/// measured against the durable floor (`jobkit-bench mutex`).
///
/// **Frozen** once released, like every version: binaries of this version keep calling these
/// functions while a fleet upgrades.
///
/// `acquire_v7` and `release_v7` give exactly the answers `acquire_v5` → `acquire_v2` and
/// `release_v2` give when no job is named (the same columns, the same token rule as version
/// 3, the same refusal reasons, previous-holder fields and release outcomes), without what
/// only a job's run needs: no pause or trigger lookup, no ledger row, no nested function call,
/// no result set built with `RETURN QUERY` (the answer is one row of `OUT` parameters), and the
/// release's relaxed commit set inside its one `UPDATE`. An acquire of a free row is one read
/// and one compare-and-swap write, a refusal one read, a release one write; measured on the
/// server (`track_functions`), a pair costs about 0.7 of the time of the functions it replaces.
///
/// Like the versions before, they are added next to the earlier objects and write the same
/// table by the same rules, so binaries of every version exclude each other.
extension PostgresSchema {
    /// The objects version 7 adds, in creation order.
    var version7: [String] { [v7Acquire, v7Release] }

    var acquireV7Function: String { table.quoted(suffix: "_acquire_v7") }
    var releaseV7Function: String { table.quoted(suffix: "_release_v7") }

    /// The acquire of the mutex used without a job: lock id, owner, TTL, liveness window, tick,
    /// the server time to pretend (tests), as `acquire_v7` takes them.
    var acquireBare: String {
        "SELECT * FROM \(acquireV7Function)($1, $2, $3::bigint, $4::bigint, $5::bigint, $6::bigint)"
    }

    /// The release of the mutex used without a job: lock id, token, whether relaxed.
    var releaseBare: String { "SELECT * FROM \(releaseV7Function)($1, $2::bigint, $3::boolean)" }

    /// `acquire_v7(lock_id, owner, ttl_us, live_us, tick_us, now_us)`: `acquire_v2` without a
    /// job, answering its fourteen columns as one row of `OUT` parameters.
    var v7Acquire: String {
        let t = table.quoted
        let us = Self.us
        let ts = Self.ts
        return """
        CREATE OR REPLACE FUNCTION \(acquireV7Function)(
            p_lock_id text, p_owner text, p_ttl_us bigint, p_live_us bigint, p_tick_us bigint, p_now_us bigint,
            OUT o_acquired boolean, OUT o_token bigint, OUT o_owner text, OUT o_acquired_us bigint,
            OUT o_expires_us bigint, OUT o_alive_us bigint, OUT o_last_tick_us bigint, OUT o_prev_owner text,
            OUT o_prev_token bigint, OUT o_prev_acquired_us bigint, OUT o_prev_expires_us bigint,
            OUT o_prev_alive_us bigint, OUT o_reason text, OUT o_prev_tick_us bigint
        ) LANGUAGE plpgsql AS $fn$
        DECLARE
            r \(t)%ROWTYPE;
            v_now timestamptz;
            v_tick timestamptz := \(ts("p_tick_us"));
        BEGIN
            LOOP
                v_now := coalesce(\(ts("p_now_us")), clock_timestamp());
                -- A plain read first: a refusal (the common answer under contention) then takes no
                -- row lock and writes nothing, so it costs no WAL flush.
                SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
                IF NOT FOUND THEN
                    INSERT INTO \(t) (lock_id, token, owner, acquired_at, expires_at, alive_until, released_at, last_tick)
                    VALUES (p_lock_id, \(us("v_now")), p_owner, v_now, v_now + p_ttl_us * interval '1 microsecond',
                            v_now + p_live_us * interval '1 microsecond', NULL, v_tick)
                    ON CONFLICT (lock_id) DO NOTHING
                    RETURNING token INTO o_token;
                    IF FOUND THEN
                        o_acquired := true;
                        o_owner := p_owner;
                        o_acquired_us := \(us("v_now"));
                        o_expires_us := \(us("v_now + p_ttl_us * interval '1 microsecond'"));
                        o_alive_us := \(us("v_now + p_live_us * interval '1 microsecond'"));
                        o_last_tick_us := p_tick_us;
                        RETURN;
                    END IF;
                    -- A concurrent insert won the race: read the row it wrote and decide again.
                    CONTINUE;
                END IF;

                IF v_tick IS NOT NULL AND r.last_tick IS NOT NULL AND v_tick <= r.last_tick THEN
                    o_reason := 'already_ran';
                ELSIF r.released_at IS NOT NULL THEN
                    o_reason := 'released';
                ELSIF r.expires_at IS NOT NULL AND r.expires_at <= v_now THEN
                    o_reason := 'expired';
                ELSIF r.alive_until IS NOT NULL AND r.alive_until <= v_now THEN
                    o_reason := 'owner_dead';
                ELSE
                    o_reason := 'lock_held';
                END IF;

                IF o_reason IN ('already_ran', 'lock_held') THEN
                    -- A refusal has no previous holder: o_prev_acquired_us carries the server's time of
                    -- the decision instead (callers waiting for the lock judge time on it).
                    o_acquired := false;
                    o_token := r.token;
                    o_owner := r.owner;
                    o_acquired_us := \(us("r.acquired_at"));
                    o_expires_us := \(us("r.expires_at"));
                    o_alive_us := \(us("r.alive_until"));
                    o_last_tick_us := \(us("r.last_tick"));
                    o_prev_acquired_us := \(us("v_now"));
                    RETURN;
                END IF;

                -- The row looked free. Take it with a compare-and-swap on the exact version read, so
                -- the decision made on that version stands; if another process changed the row in
                -- between, read it again and decide again. No row lock is held across statements.
                o_token := greatest(\(us("v_now")), r.token + 1);
                UPDATE \(t) SET token = o_token, owner = p_owner, acquired_at = v_now,
                    expires_at = v_now + p_ttl_us * interval '1 microsecond',
                    alive_until = v_now + p_live_us * interval '1 microsecond',
                    released_at = NULL, force_released_at = NULL, last_tick = coalesce(v_tick, r.last_tick)
                WHERE lock_id = p_lock_id AND token = r.token
                  AND released_at IS NOT DISTINCT FROM r.released_at
                  AND alive_until IS NOT DISTINCT FROM r.alive_until
                  AND last_tick IS NOT DISTINCT FROM r.last_tick;
                IF FOUND THEN
                    o_acquired := true;
                    o_owner := p_owner;
                    o_acquired_us := \(us("v_now"));
                    o_expires_us := \(us("v_now + p_ttl_us * interval '1 microsecond'"));
                    o_alive_us := \(us("v_now + p_live_us * interval '1 microsecond'"));
                    o_last_tick_us := \(us("coalesce(v_tick, r.last_tick)"));
                    IF o_reason <> 'released' THEN
                        o_prev_owner := r.owner;
                        o_prev_token := r.token;
                    END IF;
                    o_prev_acquired_us := \(us("r.acquired_at"));
                    o_prev_expires_us := \(us("r.expires_at"));
                    o_prev_alive_us := \(us("r.alive_until"));
                    o_prev_tick_us := \(us("r.last_tick"));
                    RETURN;
                END IF;
                o_token := NULL;
                o_reason := NULL;
            END LOOP;
        END
        $fn$;
        """
    }

    /// `release_v7(lock_id, token, relaxed)`: `release_v2` without a run to end, answering its
    /// seven columns as one row of `OUT` parameters; the relaxed commit is set inside the
    /// release's `UPDATE`, so the common case is one statement.
    var v7Release: String {
        let t = table.quoted
        let us = Self.us
        return """
        CREATE OR REPLACE FUNCTION \(releaseV7Function)(
            p_lock_id text, p_token bigint, p_relaxed boolean,
            OUT o_outcome text, OUT o_at_us bigint, OUT o_owner text, OUT o_token bigint,
            OUT o_acquired_us bigint, OUT o_expires_us bigint, OUT o_alive_us bigint
        ) LANGUAGE plpgsql AS $fn$
        DECLARE
            r \(t)%ROWTYPE;
            v_now timestamptz := clock_timestamp();
            v_expires timestamptz;
        BEGIN
            -- The common case in one statement: our token, not yet released. A release that
            -- writes nothing commits nothing, so only a release that writes needs the setting.
            UPDATE \(t) SET released_at = v_now
            WHERE lock_id = p_lock_id AND token = p_token AND released_at IS NULL
              AND (NOT p_relaxed OR set_config('synchronous_commit', 'off', true) IS NOT NULL)
            RETURNING expires_at INTO v_expires;
            IF FOUND THEN
                IF v_expires IS NOT NULL AND v_expires <= v_now THEN
                    o_outcome := 'expired';
                    o_at_us := \(us("v_expires"));
                ELSE
                    o_outcome := 'released';
                END IF;
                RETURN;
            END IF;
            -- Lost (as in the heartbeat), or released already by us (a retried release).
            SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
            IF NOT FOUND THEN
                o_outcome := 'force_released';
            ELSIF r.token <> p_token THEN
                o_outcome := CASE WHEN r.released_at IS NULL THEN 'taken_over' ELSE 'taken_over_released' END;
                o_owner := r.owner;
                o_token := r.token;
                o_acquired_us := \(us("r.acquired_at"));
                o_expires_us := \(us("r.expires_at"));
                o_alive_us := \(us("r.alive_until"));
            ELSIF r.force_released_at IS NOT NULL AND r.force_released_at >= r.acquired_at THEN
                o_outcome := 'force_released';
                o_at_us := \(us("r.force_released_at"));
            ELSIF r.expires_at IS NOT NULL AND r.expires_at <= r.released_at THEN
                o_outcome := 'expired';
                o_at_us := \(us("r.expires_at"));
            ELSE
                o_outcome := 'released';
            END IF;
        END
        $fn$;
        """
    }
}
