/// The SQL of the PostgreSQL store: one table, one token sequence, and three functions that
/// keep the lock contract on the server's clock, each answering in one round trip.
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
    private static func us(_ ts: String) -> String { "(extract(epoch FROM \(ts)) * 1000000)::bigint" }
    /// Epoch microseconds `value` as a timestamptz.
    private static func ts(_ value: String) -> String { "(timestamptz 'epoch' + \(value) * interval '1 microsecond')" }

    /// Creates or updates everything. Serialized across processes by a transaction-scoped
    /// advisory lock, so concurrent first starts do not trip over each other; no session
    /// state outlives the transaction (PgBouncer in transaction mode is fine).
    var migration: String {
        let t = table.quoted
        let us = Self.us
        let ts = Self.ts
        let lockKey = "jobkit.migrate:\(table.description)"
        return """
        BEGIN;
        SELECT pg_advisory_xact_lock(hashtext('\(lockKey)'));
        CREATE SEQUENCE IF NOT EXISTS \(sequence) AS bigint CACHE 1;
        CREATE TABLE IF NOT EXISTS \(t) (
            lock_id     text PRIMARY KEY CHECK (char_length(lock_id) BETWEEN 1 AND 255),
            token       bigint NOT NULL,
            owner       text NOT NULL,
            acquired_at timestamptz NOT NULL,
            expires_at  timestamptz,
            alive_until timestamptz,
            released_at timestamptz,
            last_tick   timestamptz
        );
        -- Set with released_at by a force-release, cleared by the next acquisition, so the
        -- holder's heartbeat or release can tell a force-release from its own retried release.
        ALTER TABLE \(t) ADD COLUMN IF NOT EXISTS force_released_at timestamptz;
        -- The heartbeat and release functions gained result columns (o_loss, o_at_us); CREATE OR
        -- REPLACE cannot change a result type, so drop an older version first (once).
        DO $do$
        BEGIN
            IF to_regprocedure('\(heartbeatFunction)(text,bigint,bigint)') IS NOT NULL
               AND pg_get_function_result(to_regprocedure('\(heartbeatFunction)(text,bigint,bigint)')) NOT LIKE '%o_at_us%' THEN
                DROP FUNCTION \(heartbeatFunction)(text, bigint, bigint);
            END IF;
            IF to_regprocedure('\(releaseFunction)(text,bigint,boolean)') IS NOT NULL
               AND pg_get_function_result(to_regprocedure('\(releaseFunction)(text,bigint,boolean)')) NOT LIKE '%o_at_us%' THEN
                DROP FUNCTION \(releaseFunction)(text, bigint, boolean);
            END IF;
        END
        $do$;

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
                    -- A refusal has no previous holder: o_prev_acquired_us carries the server's time of
                    -- the decision instead (callers waiting for the lock judge time on it).
                    RETURN QUERY SELECT false, r.token, r.owner, \(us("r.acquired_at")), \(us("r.expires_at")),
                        \(us("r.alive_until")), \(us("r.last_tick")), NULL::text, NULL::bigint, \(us("v_now")),
                        NULL::bigint, NULL::bigint, v_reason;
                    RETURN;
                END IF;
            END IF;

            IF NOT FOUND THEN
                INSERT INTO \(t) (lock_id, token, owner, acquired_at, expires_at, alive_until, released_at, last_tick)
                VALUES (p_lock_id, nextval('\(sequence)'), p_owner, v_now,
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
                    -- A refusal has no previous holder: o_prev_acquired_us carries the server's time of
                    -- the decision instead (callers waiting for the lock judge time on it).
                    RETURN QUERY SELECT false, r.token, r.owner, \(us("r.acquired_at")), \(us("r.expires_at")),
                        \(us("r.alive_until")), \(us("r.last_tick")), NULL::text, NULL::bigint, \(us("v_now")),
                        NULL::bigint, NULL::bigint, v_reason;
                    RETURN;
                END IF;

                v_token := nextval('\(sequence)');
                UPDATE \(t) SET token = v_token, owner = p_owner, acquired_at = v_now,
                    expires_at = v_now + p_ttl_us * interval '1 microsecond',
                    alive_until = v_now + p_live_us * interval '1 microsecond',
                    released_at = NULL, force_released_at = NULL, last_tick = coalesce(v_tick, r.last_tick)
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

        CREATE OR REPLACE FUNCTION \(heartbeatFunction)(p_lock_id text, p_token bigint, p_live_us bigint)
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
            ELSIF r.force_released_at IS NOT NULL THEN
                RETURN QUERY SELECT false, false, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,
                    'force_released'::text, \(us("r.force_released_at"));
            ELSE
                RETURN QUERY SELECT false, false, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,
                    'released'::text, NULL::bigint;
            END IF;
        END
        $fn$;

        CREATE OR REPLACE FUNCTION \(releaseFunction)(p_lock_id text, p_token bigint, p_relaxed boolean)
        RETURNS TABLE (
            o_outcome text, o_at_us bigint, o_owner text, o_token bigint, o_acquired_us bigint,
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
            -- Lost (as in the heartbeat), or released already by us (a retried release).
            SELECT * INTO r FROM \(t) WHERE lock_id = p_lock_id;
            IF NOT FOUND THEN
                RETURN QUERY SELECT 'force_released'::text, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint,
                    NULL::bigint, NULL::bigint;
                RETURN;
            END IF;
            IF r.token <> p_token THEN
                RETURN QUERY SELECT CASE WHEN r.released_at IS NULL THEN 'taken_over' ELSE 'taken_over_released' END,
                    NULL::bigint, r.owner, r.token, \(us("r.acquired_at")), \(us("r.expires_at")), \(us("r.alive_until"));
                RETURN;
            END IF;
            IF r.force_released_at IS NOT NULL THEN
                RETURN QUERY SELECT 'force_released'::text, \(us("r.force_released_at")), NULL::text, NULL::bigint,
                    NULL::bigint, NULL::bigint, NULL::bigint;
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
        COMMIT;
        """
    }

    var acquire: String { "SELECT * FROM \(acquireFunction)($1, $2, $3::bigint, $4::bigint, $5::bigint, $6::bigint)" }
    var heartbeat: String { "SELECT * FROM \(heartbeatFunction)($1, $2::bigint, $3::bigint)" }
    var release: String { "SELECT * FROM \(releaseFunction)($1, $2::bigint, $3::boolean)" }

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
