/// Version 1 of the PostgreSQL schema: exactly what JobKit created before schemas had a
/// version, one string per object.
///
/// **Frozen.** Binaries of version 1 keep calling these functions, with these signatures and
/// result columns, while a fleet upgrades machine by machine, and they re-create them
/// (`CREATE OR REPLACE`) whenever they start. So they never change: a later version adds
/// functions under new names and columns that are nullable or defaulted, and keeps these
/// correct against its table. `Tests/JobKitTests/Stores/PostgresSchemaV1Fixture.swift` keeps a
/// verbatim copy of the original migration, and the tests migrate from it.
extension PostgresSchema {
    /// The objects of version 1, in creation order.
    var version1: [String] { [v1Sequence, v1Table, v1Acquire, v1Heartbeat, v1Release] }

    /// The fencing-token sequence.
    var v1Sequence: String { "CREATE SEQUENCE IF NOT EXISTS \(sequence) AS bigint CACHE 1" }

    /// The lock table: one row per lock id.
    var v1Table: String {
        let t = table.quoted
        return """
        CREATE TABLE IF NOT EXISTS \(t) (
            lock_id     text PRIMARY KEY CHECK (char_length(lock_id) BETWEEN 1 AND 255),
            token       bigint NOT NULL,
            owner       text NOT NULL,
            acquired_at timestamptz NOT NULL,
            expires_at  timestamptz,
            alive_until timestamptz,
            released_at timestamptz,
            last_tick   timestamptz
        )
        """
    }

    /// `acquire(lock_id, owner, ttl, liveness, tick, now)`: the whole acquire rule in one round trip.
    var v1Acquire: String { v1Acquire(tokens: .sequence) }

    /// Version 1's acquire with its fencing tokens drawn by `tokens`: version 1 drew them from
    /// the sequence; version 3 redefines this function (same signature, same answers) to draw
    /// them on the clock (see `PostgresSchema+V3.swift`).
    func v1Acquire(tokens: TokenRule) -> String {
        let t = table.quoted
        let us = Self.us
        let ts = Self.ts
        return """
        CREATE OR REPLACE FUNCTION \(acquireFunction)(
            p_lock_id text, p_owner text, p_ttl_us bigint, p_live_us bigint, p_tick_us bigint, p_now_us bigint DEFAULT NULL
        ) RETURNS TABLE (
            o_acquired boolean, o_token bigint, o_owner text, o_acquired_us bigint, o_expires_us bigint,
            o_alive_us bigint, o_last_tick_us bigint, o_prev_owner text, o_prev_token bigint,
            o_prev_acquired_us bigint, o_prev_expires_us bigint, o_prev_alive_us bigint, o_reason text
        ) LANGUAGE plpgsql AS $fn$
        DECLARE
            r \(t)%ROWTYPE;
            v_now timestamptz := coalesce(\(ts("p_now_us")), clock_timestamp());
            v_tick timestamptz := \(ts("p_tick_us"));
            v_token bigint;
            v_reason text;
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
                    RETURN QUERY SELECT false, r.token, r.owner, \(us("r.acquired_at")), \(us("r.expires_at")),
                        \(us("r.alive_until")), \(us("r.last_tick")), NULL::text, NULL::bigint, NULL::bigint,
                        NULL::bigint, NULL::bigint, v_reason;
                    RETURN;
                END IF;
            END IF;

            IF NOT FOUND THEN
                INSERT INTO \(t) (lock_id, token, owner, acquired_at, expires_at, alive_until, released_at, last_tick)
                VALUES (p_lock_id, \(tokens.first(self)), p_owner, v_now,
                        v_now + p_ttl_us * interval '1 microsecond', v_now + p_live_us * interval '1 microsecond',
                        NULL, v_tick)
                ON CONFLICT (lock_id) DO NOTHING
                RETURNING token INTO v_token;
                IF v_token IS NOT NULL THEN
                    RETURN QUERY SELECT true, v_token, p_owner, \(us("v_now")),
                        \(us("v_now + p_ttl_us * interval '1 microsecond'")), \(us("v_now + p_live_us * interval '1 microsecond'")),
                        p_tick_us, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::text;
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
                    RETURN QUERY SELECT false, r.token, r.owner, \(us("r.acquired_at")), \(us("r.expires_at")),
                        \(us("r.alive_until")), \(us("r.last_tick")), NULL::text, NULL::bigint, NULL::bigint,
                        NULL::bigint, NULL::bigint, v_reason;
                    RETURN;
                END IF;

                v_token := \(tokens.next(self));
                UPDATE \(t) SET token = v_token, owner = p_owner, acquired_at = v_now,
                    expires_at = v_now + p_ttl_us * interval '1 microsecond',
                    alive_until = v_now + p_live_us * interval '1 microsecond',
                    released_at = NULL, last_tick = coalesce(v_tick, r.last_tick)
                WHERE lock_id = p_lock_id AND token = r.token
                  AND released_at IS NOT DISTINCT FROM r.released_at
                  AND alive_until IS NOT DISTINCT FROM r.alive_until
                  AND last_tick IS NOT DISTINCT FROM r.last_tick;
                IF FOUND THEN
                    RETURN QUERY SELECT true, v_token, p_owner, \(us("v_now")),
                        \(us("v_now + p_ttl_us * interval '1 microsecond'")), \(us("v_now + p_live_us * interval '1 microsecond'")),
                        \(us("coalesce(v_tick, r.last_tick)")),
                        CASE WHEN v_reason = 'released' THEN NULL ELSE r.owner END,
                        CASE WHEN v_reason = 'released' THEN NULL ELSE r.token END,
                        \(us("r.acquired_at")), \(us("r.expires_at")), \(us("r.alive_until")), v_reason;
                    RETURN;
                END IF;
                SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
            END LOOP;
        END
        $fn$;
        """
    }

    /// `heartbeat(lock_id, token, liveness)`: extends the liveness deadline of a lease that still holds.
    var v1Heartbeat: String {
        let t = table.quoted
        let us = Self.us
        return """
        CREATE OR REPLACE FUNCTION \(heartbeatFunction)(p_lock_id text, p_token bigint, p_live_us bigint)
        RETURNS TABLE (
            o_alive boolean, o_expired boolean, o_owner text, o_token bigint, o_acquired_us bigint,
            o_expires_us bigint, o_alive_us bigint
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
                    NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint;
                RETURN;
            END IF;
            SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
            IF FOUND AND r.released_at IS NULL AND r.token <> p_token THEN
                RETURN QUERY SELECT false, false, r.owner, r.token, \(us("r.acquired_at")),
                    \(us("r.expires_at")), \(us("r.alive_until"));
            ELSE
                RETURN QUERY SELECT false, false, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint;
            END IF;
        END
        $fn$;
        """
    }

    /// `release(lock_id, token, relaxed)`: releases by token and says how the lease ended.
    var v1Release: String {
        let t = table.quoted
        let us = Self.us
        return """
        CREATE OR REPLACE FUNCTION \(releaseFunction)(p_lock_id text, p_token bigint, p_relaxed boolean)
        RETURNS TABLE (
            o_outcome text, o_expired_us bigint, o_owner text, o_token bigint, o_acquired_us bigint,
            o_expires_us bigint, o_alive_us bigint
        ) LANGUAGE plpgsql AS $fn$
        DECLARE
            r \(t)%ROWTYPE;
            v_now timestamptz;
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
                    RETURN QUERY SELECT 'expired'::text, \(us("r.expires_at")), NULL::text, NULL::bigint, NULL::bigint,
                        NULL::bigint, NULL::bigint;
                ELSE
                    RETURN QUERY SELECT 'released'::text, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint,
                        NULL::bigint, NULL::bigint;
                END IF;
                RETURN;
            END IF;
            -- Not ours any more, or released already (a retried release, or a force-release).
            SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
            IF NOT FOUND OR r.token <> p_token THEN
                IF FOUND AND r.released_at IS NULL THEN
                    RETURN QUERY SELECT 'taken_over'::text, NULL::bigint, r.owner, r.token, \(us("r.acquired_at")),
                        \(us("r.expires_at")), \(us("r.alive_until"));
                ELSE
                    RETURN QUERY SELECT 'taken_over'::text, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint,
                        NULL::bigint, NULL::bigint;
                END IF;
                RETURN;
            END IF;
            IF r.expires_at IS NOT NULL AND r.expires_at <= r.released_at THEN
                RETURN QUERY SELECT 'expired'::text, \(us("r.expires_at")), NULL::text, NULL::bigint, NULL::bigint,
                    NULL::bigint, NULL::bigint;
            ELSE
                RETURN QUERY SELECT 'released'::text, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint,
                    NULL::bigint, NULL::bigint;
            END IF;
        END
        $fn$;
        """
    }
}
