/// Version 6 of the PostgreSQL schema: set-based batched claims. `acquire_many_v6` and
/// `release_many_v6` take the same arrays and give the same answers as `acquire_many_v5` and
/// `release_many_v4`, but decide the common elements with a few statements over the whole
/// array instead of one per-lock function call per element (versions 4 and 5 spent 40–90 µs
/// of server CPU per element in that loop).
///
/// An acquire batch reads every element's lock row and control row in one plain read (no row
/// lock, like the per-lock functions' first read) and decides each element by the rules of
/// `acquire_v5`: a refusal (`already_ran`, `lock_held`) is answered from that read and writes
/// nothing; a lock that looks free is taken in one ordered pass, a row that is absent in
/// another, and the ledger rows are written, the previous holders' runs marked `lost` and the
/// ledger pruned in the same statement. A claim is taken only when its row is still the
/// version read (a compare-and-swap on the row locked), so a decision is never made on a stale
/// row. Rows are locked in lock-id order, so batches of several processes never wait on each
/// other in a cycle; with `p_defer`, a row another transaction is writing right now answers
/// `busy` (as in version 4) and a row another batch has locked is skipped, not waited for.
///
/// A claim whose row changed between the read and the write, or (with `p_defer`) was locked
/// by another batch, is decided once more set-wise on a fresh read; if it is still contested,
/// it answers `busy` with `p_defer` (the caller asks again after this batch has committed, so
/// no batch waits for another while holding rows it took out of lock-id order), and goes to
/// the per-lock function without. What a set cannot decide goes to the per-lock function
/// `acquire_v5`, in lock-id order, in the same call: a paused job or a tick already skipped as
/// paused, and a lock id that appears twice in the batch.
///
/// The claims of one statement share one reading of the clock: the claim that is k-th in
/// lock-id order is acquired k microseconds after it, so every claim of a batch draws its own
/// token (`greatest(its time in µs, the lock's previous token + 1)`, version 3's rule).
///
/// Like the versions before, everything is added next to the earlier objects, never in their
/// place: binaries of versions 4 and 5 keep calling their own batch functions.
extension PostgresSchema {
    /// The objects version 6 adds, in creation order.
    var version6: [String] { [v6AcquireMany, v6ReleaseMany] }

    var acquireManyV6Function: String { table.quoted(suffix: "_acquire_many_v6") }

    /// The planner settings of the batch functions, for the call alone. Every statement is
    /// planned for the arrays at hand (a plan cached for a generic array assumes ten elements,
    /// and its nested loops would then scan one set once per element of another), and looks
    /// rows up by their keys rather than reading the lock table or the ledger whole (whose
    /// size the batch does not grow with).
    static let v6Settings = "SET plan_cache_mode = 'force_custom_plan' SET enable_seqscan = 'off'"
    var releaseManyV6Function: String { table.quoted(suffix: "_release_many_v6") }

    /// `acquire_many_v6`: `acquire_many_v5`'s parameters and columns (see above).
    var v6AcquireMany: String {
        let t = table.quoted
        return """
        CREATE OR REPLACE FUNCTION \(acquireManyV6Function)(
            p_lock_ids text[], p_owners text[], p_ttl_us bigint[], p_live_us bigint[], p_tick_us bigint[],
            p_jobs text[], p_job_types text[], p_keep integer, p_defer boolean
        ) RETURNS TABLE (
            o_index integer, o_acquired boolean, o_token bigint, o_owner text, o_acquired_us bigint, o_expires_us bigint,
            o_alive_us bigint, o_last_tick_us bigint, o_prev_owner text, o_prev_token bigint,
            o_prev_acquired_us bigint, o_prev_expires_us bigint, o_prev_alive_us bigint, o_reason text,
            o_prev_tick_us bigint, o_pause_reason text, o_paused_by text, o_paused_us bigint
        ) LANGUAGE plpgsql
        \(Self.v6Settings)
        AS $fn$
        DECLARE
            v_todo integer[];                 -- the elements this round decides; NULL: all of them
            v_slow integer[] := '{}';         -- the elements left to acquire_v5
            v_again integer[];
            v_round integer := 0;
            v_now timestamptz;
            v_next timestamptz;
            v_claims bigint;
            v_i integer;
            v_xmax bigint;
            a_index integer[]; a_acquired boolean[]; a_token bigint[]; a_owner text[]; a_acquired_us bigint[];
            a_expires_us bigint[]; a_alive_us bigint[]; a_last_tick_us bigint[]; a_prev_owner text[];
            a_prev_token bigint[]; a_prev_acquired_us bigint[]; a_prev_expires_us bigint[];
            a_prev_alive_us bigint[]; a_reason text[]; a_prev_tick_us bigint[]; a_slow integer[];
        BEGIN
            LOOP
                v_round := v_round + 1;
                -- Each round reads the clock once; its claims take the microseconds after it.
                v_now := greatest(clock_timestamp(), v_next);
                IF p_defer THEN
                    \(v6Round(skippingLocked: true))
                ELSE
                    \(v6Round(skippingLocked: false))
                END IF;
                RETURN QUERY SELECT u.*, NULL::text, NULL::text, NULL::bigint FROM unnest(
                    a_index, a_acquired, a_token, a_owner, a_acquired_us, a_expires_us, a_alive_us, a_last_tick_us,
                    a_prev_owner, a_prev_token, a_prev_acquired_us, a_prev_expires_us, a_prev_alive_us, a_reason,
                    a_prev_tick_us
                ) AS u;
                v_slow := v_slow || coalesce(a_slow, '{}');
                v_next := v_now + v_claims * interval '1 microsecond';
                v_todo := v_again;
                -- A claim whose row changed under it is decided once more on a fresh read.
                EXIT WHEN v_todo IS NULL OR v_round = 2;
            END LOOP;
            IF p_defer AND v_todo IS NOT NULL THEN
                -- Rows other batches are taking right now: asked again once this batch has
                -- committed, rather than waited for here while holding this batch's rows (two
                -- such waits, each behind rows the other batch took set-wise, would deadlock).
                RETURN QUERY SELECT s, NULL::boolean, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint,
                    NULL::bigint, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint,
                    NULL::bigint, 'busy'::text, NULL::bigint, NULL::text, NULL::text, NULL::bigint
                FROM unnest(v_todo) AS s;
            ELSE
                v_slow := v_slow || coalesce(v_todo, '{}');
            END IF;

            -- The rest, one acquire_v5 each, in lock-id order (version 4's loop).
            FOR v_i IN SELECT s FROM unnest(v_slow) AS s ORDER BY p_lock_ids[s], s LOOP
                IF p_defer THEN
                    SELECT xmax::text::bigint INTO v_xmax FROM \(t) WHERE lock_id = p_lock_ids[v_i];
                    IF v_xmax IS NOT NULL AND v_xmax <> 0 AND EXISTS (
                        SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()) AS x
                        WHERE x::text::bigint % 4294967296 = v_xmax
                    ) THEN
                        RETURN QUERY SELECT v_i, NULL::boolean, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint,
                            NULL::bigint, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint,
                            NULL::bigint, 'busy'::text, NULL::bigint, NULL::text, NULL::text, NULL::bigint;
                        CONTINUE;
                    END IF;
                END IF;
                RETURN QUERY SELECT v_i, a.* FROM \(acquireV5Function)(
                    p_lock_ids[v_i], p_owners[v_i], p_ttl_us[v_i], p_live_us[v_i], p_tick_us[v_i], p_jobs[v_i],
                    p_job_types[v_i], CASE WHEN p_jobs[v_i] IS NOT NULL THEN p_keep END, NULL::bigint, NULL::text,
                    NULL::bigint
                ) AS a;
            END LOOP;
        END
        $fn$;
        """
    }

    /// One set-based round of `acquire_many_v6` over the elements `v_todo` (all when NULL), as
    /// one statement: it fills the answer arrays `a_*` (busy, refused and acquired elements),
    /// `a_slow` (elements for `acquire_v5`), `v_again` (claims whose row changed under them)
    /// and `v_claims` (the microseconds its claims took after `v_now`). `skippingLocked`: a
    /// row another transaction has locked is skipped (`p_defer`) rather than waited for.
    private func v6Round(skippingLocked: Bool) -> String {
        let t = table.quoted
        let us = Self.us
        let ts = Self.ts
        let micro = "* interval '1 microsecond'"
        let answered = "k.kind IN ('busy', 'already_ran', 'lock_held') OR w.n IS NOT NULL"
        /// An answer column: `won` for an acquired element (`w`), `refused` for a refused one
        /// (`k`), NULL for a busy one.
        func answer(_ won: String, _ refused: String) -> String {
            "array_agg(CASE WHEN w.n IS NOT NULL THEN \(won) WHEN k.kind <> 'busy' THEN \(refused) END) FILTER (WHERE \(answered))"
        }
        return """
        WITH e AS (
                SELECT u.n::integer AS n, u.lock_id, u.owner, u.ttl_us, u.live_us, u.tick_us, \(ts("u.tick_us")) AS tick,
                       u.job, u.job_type
                FROM unnest(p_lock_ids, p_owners, p_ttl_us, p_live_us, p_tick_us, p_jobs, p_job_types) WITH ORDINALITY
                     AS u(lock_id, owner, ttl_us, live_us, tick_us, job, job_type, n)
                WHERE v_todo IS NULL OR u.n IN (SELECT unnest(v_todo))
            ),
            xip AS (
                SELECT x::text::bigint % 4294967296 AS xid FROM pg_snapshot_xip(pg_current_snapshot()) AS x WHERE p_defer
            ),
            r AS (
                SELECT e.*, l.lock_id IS NOT NULL AS found, l.token AS r_token, l.owner AS r_owner,
                       l.acquired_at AS r_acquired, l.expires_at AS r_expires, l.alive_until AS r_alive,
                       l.released_at AS r_released, l.last_tick AS r_last_tick,
                       coalesce(p_defer AND l.xmax::text::bigint <> 0 AND l.xmax::text::bigint IN (SELECT xid FROM xip), false)
                           AS busy,
                       coalesce(c.paused_at IS NOT NULL OR c.skipped_tick >= e.tick, false) AS controlled,
                       c.skipped_tick,
                       count(*) OVER (PARTITION BY e.lock_id) > 1 AS dup
                FROM e
                LEFT JOIN \(t) AS l ON l.lock_id = e.lock_id
                LEFT JOIN \(controlsTable) AS c ON e.job IS NOT NULL AND e.tick IS NOT NULL AND c.job = e.job
            ),
            k AS (
                SELECT r.*,
                    CASE WHEN r.busy THEN 'busy'
                         WHEN r.dup OR r.controlled THEN 'slow'
                         WHEN NOT r.found THEN 'new'
                         WHEN r.tick IS NOT NULL AND r.r_last_tick IS NOT NULL AND r.tick <= r.r_last_tick THEN 'already_ran'
                         WHEN r.r_released IS NULL AND (r.r_expires IS NULL OR r.r_expires > v_now)
                              AND (r.r_alive IS NULL OR r.r_alive > v_now) THEN 'lock_held'
                         ELSE 'claim' END AS kind,
                    CASE WHEN r.r_released IS NOT NULL THEN 'released'
                         WHEN r.r_expires IS NOT NULL AND r.r_expires <= v_now THEN 'expired'
                         ELSE 'owner_dead' END AS why
                FROM r
            ),
            kc AS (SELECT k.*, k.kind IN ('new', 'claim') AS claimable FROM k),
            c2 AS (
                -- Filters on computed columns are booleans, which the planner estimates at half
                -- the rows rather than a handful: a join of these sets then hashes, never loops.
                SELECT k.*, v_now + (row_number() OVER (ORDER BY k.lock_id) - 1) \(micro) AS at, NOT k.found AS fresh
                FROM kc AS k WHERE k.claimable
            ),
            ins AS (
                INSERT INTO \(t) AS l (lock_id, token, owner, acquired_at, expires_at, alive_until, released_at, last_tick, run_seq)
                SELECT c2.lock_id, \(us("c2.at")), c2.owner, c2.at, c2.at + c2.ttl_us \(micro), c2.at + c2.live_us \(micro),
                       NULL, c2.tick, CASE WHEN c2.job IS NOT NULL THEN 1 END
                FROM c2 WHERE c2.fresh ORDER BY c2.lock_id
                ON CONFLICT (lock_id) DO NOTHING
                RETURNING l.lock_id, l.token, l.run_seq
            ),
            lk AS (
                -- The element's columns ride along, so the update below joins no other set.
                SELECT c2.* FROM \(t) AS l JOIN c2 ON c2.lock_id = l.lock_id
                WHERE NOT c2.fresh AND l.token = c2.r_token
                  AND l.released_at IS NOT DISTINCT FROM c2.r_released AND l.alive_until IS NOT DISTINCT FROM c2.r_alive
                  AND l.last_tick IS NOT DISTINCT FROM c2.r_last_tick
                ORDER BY l.lock_id FOR UPDATE OF l\(skippingLocked ? " SKIP LOCKED" : "")
            ),
            upd AS (
                UPDATE \(t) AS l SET token = greatest(\(us("lk.at")), l.token + 1), owner = lk.owner, acquired_at = lk.at,
                    expires_at = lk.at + lk.ttl_us \(micro), alive_until = lk.at + lk.live_us \(micro),
                    released_at = NULL, force_released_at = NULL, last_tick = coalesce(lk.tick, l.last_tick),
                    run_seq = CASE WHEN lk.job IS NOT NULL THEN coalesce(l.run_seq, 0) + 1 ELSE l.run_seq END
                FROM lk
                WHERE l.lock_id = lk.lock_id
                RETURNING lk.*, l.token AS new_token, l.run_seq AS seq, true AS took
            ),
            won AS (
                SELECT c2.*, w.token AS new_token, w.run_seq AS seq, false AS took FROM ins AS w JOIN c2 ON c2.lock_id = w.lock_id
                UNION ALL
                SELECT * FROM upd
            ),
            lost AS (
                -- The previous holder is presumed gone: its run ends as lost (unless pruned now).
                UPDATE \(runsTable) AS z SET outcome = 'lost', ended_at = won.at
                FROM won
                WHERE won.took AND won.job IS NOT NULL AND won.why <> 'released'
                  AND z.lock_id = won.lock_id AND z.token = won.r_token AND z.outcome = 'running'
                  AND NOT (p_keep IS NOT NULL AND z.job = won.job AND z.seq = won.seq - p_keep)
            ),
            ran AS (
                INSERT INTO \(runsTable) AS z (token, job, seq, job_type, lock_id, tick, owner, started_at)
                SELECT won.new_token, won.job, won.seq, won.job_type, won.lock_id, won.tick, won.owner, won.at
                FROM won WHERE won.job IS NOT NULL ORDER BY won.lock_id
                ON CONFLICT (lock_id, token) DO UPDATE SET job = excluded.job, seq = excluded.seq,
                    job_type = excluded.job_type, lock_id = excluded.lock_id, tick = excluded.tick,
                    owner = excluded.owner, started_at = excluded.started_at, ended_at = NULL,
                    outcome = 'running', error = NULL, overlapped = false
            ),
            pruned AS (
                DELETE FROM \(runsTable) AS z USING won
                WHERE p_keep IS NOT NULL AND won.job IS NOT NULL AND z.job = won.job AND z.seq = won.seq - p_keep
            ),
            swept AS (
                -- Every 64th run of a job also deletes up to 64 older rows (left by a lowered bound).
                DELETE FROM \(runsTable) AS z USING (
                    SELECT o.lock_id, o.token FROM won CROSS JOIN LATERAL (
                        SELECT q.lock_id, q.token FROM \(runsTable) AS q
                        WHERE q.job = won.job AND q.seq < won.seq - p_keep ORDER BY q.seq LIMIT 64
                    ) AS o
                    WHERE p_keep IS NOT NULL AND won.job IS NOT NULL AND won.seq % 64 = 0
                ) AS d
                WHERE z.lock_id = d.lock_id AND z.token = d.token
            )
        SELECT
            array_agg(k.n) FILTER (WHERE \(answered)),
            array_agg(CASE WHEN w.n IS NOT NULL THEN true WHEN k.kind <> 'busy' THEN false END) FILTER (WHERE \(answered)),
            \(answer("w.new_token", "k.r_token")),
            \(answer("w.owner", "k.r_owner")),
            \(answer(us("w.at"), us("k.r_acquired"))),
            \(answer(us("w.at + w.ttl_us \(micro)"), us("k.r_expires"))),
            \(answer(us("w.at + w.live_us \(micro)"), us("k.r_alive"))),
            \(answer("CASE WHEN w.took THEN \(us("coalesce(w.tick, w.r_last_tick)")) ELSE w.tick_us END", us("k.r_last_tick"))),
            \(answer("CASE WHEN w.took AND w.why <> 'released' THEN w.r_owner END", "NULL::text")),
            \(answer("CASE WHEN w.took AND w.why <> 'released' THEN w.r_token END", "NULL::bigint")),
            \(answer("CASE WHEN w.took THEN \(us("w.r_acquired")) END", us("v_now"))),
            \(answer("CASE WHEN w.took THEN \(us("w.r_expires")) END", "NULL::bigint")),
            \(answer("CASE WHEN w.took THEN \(us("w.r_alive")) END", "NULL::bigint")),
            array_agg(CASE WHEN w.n IS NOT NULL THEN CASE WHEN w.took THEN w.why END ELSE k.kind END) FILTER (WHERE \(answered)),
            \(answer(
                "CASE WHEN w.took AND w.r_last_tick IS NOT NULL THEN greatest(\(us("w.r_last_tick")), \(us("w.skipped_tick"))) END",
                "NULL::bigint"
            )),
            array_agg(k.n) FILTER (WHERE k.kind = 'slow'),
            array_agg(k.n) FILTER (WHERE k.kind IN ('new', 'claim') AND w.n IS NULL),
            count(*) FILTER (WHERE k.kind IN ('new', 'claim'))
        INTO a_index, a_acquired, a_token, a_owner, a_acquired_us, a_expires_us, a_alive_us, a_last_tick_us,
             a_prev_owner, a_prev_token, a_prev_acquired_us, a_prev_expires_us, a_prev_alive_us, a_reason,
             a_prev_tick_us, a_slow, v_again, v_claims
        FROM k LEFT JOIN won AS w ON w.n = k.n;
        """
    }

    /// `release_many_v6`: `release_many_v4`'s parameters and columns. The leases still held
    /// are locked in lock-id order and released at one instant in one statement; every answer
    /// (`released`, `expired`, `force_released`, `taken_over`, `taken_over_released`, by
    /// `release_v2`'s rules) and every ledger row's end is then written in a second one. A batch
    /// that names a lock twice is handed to `release_many_v4` whole.
    var v6ReleaseMany: String {
        let t = table.quoted
        let us = Self.us
        return """
        CREATE OR REPLACE FUNCTION \(releaseManyV6Function)(
            p_lock_ids text[], p_tokens bigint[], p_relaxed boolean, p_outcomes text[], p_errors text[]
        ) RETURNS TABLE (
            o_index integer, o_outcome text, o_at_us bigint, o_owner text, o_token bigint, o_acquired_us bigint,
            o_expires_us bigint, o_alive_us bigint
        ) LANGUAGE plpgsql
        \(Self.v6Settings)
        AS $fn$
        DECLARE
            v_now timestamptz;
            v_released text[];
            v_expires timestamptz[];
        BEGIN
            IF (SELECT count(DISTINCT x) <> count(*) FROM unnest(p_lock_ids) AS x) THEN
                RETURN QUERY SELECT * FROM \(releaseManyV4Function)(p_lock_ids, p_tokens, p_relaxed, p_outcomes, p_errors);
                RETURN;
            END IF;
            IF p_relaxed THEN
                PERFORM set_config('synchronous_commit', 'off', true);
            END IF;
            v_now := clock_timestamp();
            -- The common case: our token, not yet released.
            WITH e AS (SELECT u.lock_id, u.token FROM unnest(p_lock_ids, p_tokens) AS u(lock_id, token)),
                lk AS (
                    SELECT l.lock_id FROM \(t) AS l JOIN e ON l.lock_id = e.lock_id AND l.token = e.token
                    WHERE l.released_at IS NULL ORDER BY l.lock_id FOR UPDATE OF l
                ),
                upd AS (
                    UPDATE \(t) AS l SET released_at = v_now FROM lk
                    WHERE l.lock_id = lk.lock_id AND l.released_at IS NULL
                    RETURNING l.lock_id, l.expires_at
                )
            SELECT array_agg(upd.lock_id), array_agg(upd.expires_at) INTO v_released, v_expires FROM upd;

            -- Lost (as in the heartbeat), or released already by us (a retried release): read afresh.
            RETURN QUERY
            WITH e AS (
                    SELECT u.n::integer AS n, u.lock_id, u.token, u.outcome, u.error
                    FROM unnest(p_lock_ids, p_tokens, p_outcomes, p_errors) WITH ORDINALITY AS u(lock_id, token, outcome, error, n)
                ),
                d AS (SELECT x.lock_id, x.expires_at FROM unnest(v_released, v_expires) AS x(lock_id, expires_at)),
                a AS (
                    SELECT e.*, l.owner AS r_owner, l.token AS r_token, l.acquired_at AS r_acquired,
                           l.expires_at AS r_expires, l.alive_until AS r_alive,
                        CASE WHEN d.lock_id IS NOT NULL THEN
                                 CASE WHEN d.expires_at IS NOT NULL AND d.expires_at <= v_now THEN 'expired' ELSE 'released' END
                             WHEN l.lock_id IS NULL THEN 'force_released'
                             WHEN l.token <> e.token THEN
                                 CASE WHEN l.released_at IS NULL THEN 'taken_over' ELSE 'taken_over_released' END
                             WHEN l.force_released_at IS NOT NULL AND l.force_released_at >= l.acquired_at THEN 'force_released'
                             WHEN l.expires_at IS NOT NULL AND l.expires_at <= l.released_at THEN 'expired'
                             ELSE 'released' END AS answer,
                        CASE WHEN d.lock_id IS NOT NULL THEN
                                 CASE WHEN d.expires_at IS NOT NULL AND d.expires_at <= v_now THEN d.expires_at END
                             WHEN l.lock_id IS NULL OR l.token <> e.token THEN NULL
                             WHEN l.force_released_at IS NOT NULL AND l.force_released_at >= l.acquired_at THEN l.force_released_at
                             WHEN l.expires_at IS NOT NULL AND l.expires_at <= l.released_at THEN l.expires_at
                             END AS at
                    FROM e
                    LEFT JOIN d ON d.lock_id = e.lock_id
                    LEFT JOIN \(t) AS l ON d.lock_id IS NULL AND l.lock_id = e.lock_id
                ),
                ended AS (
                    UPDATE \(runsTable) AS z SET ended_at = v_now, error = left(a.error, 1000),
                        overlapped = a.answer IN ('taken_over', 'taken_over_released'),
                        outcome = CASE
                            WHEN a.outcome <> 'succeeded' OR a.answer = 'released' THEN a.outcome
                            WHEN a.answer = 'force_released' THEN 'lost'
                            ELSE 'overran' END
                    FROM a WHERE a.outcome IS NOT NULL AND z.token = a.token AND z.lock_id = a.lock_id
                )
            SELECT a.n, a.answer,
                CASE WHEN a.answer IN ('taken_over', 'taken_over_released') THEN NULL ELSE \(us("a.at")) END,
                CASE WHEN a.answer IN ('taken_over', 'taken_over_released') THEN a.r_owner END,
                CASE WHEN a.answer IN ('taken_over', 'taken_over_released') THEN a.r_token END,
                CASE WHEN a.answer IN ('taken_over', 'taken_over_released') THEN \(us("a.r_acquired")) END,
                CASE WHEN a.answer IN ('taken_over', 'taken_over_released') THEN \(us("a.r_expires")) END,
                CASE WHEN a.answer IN ('taken_over', 'taken_over_released') THEN \(us("a.r_alive")) END
            FROM a;
        END
        $fn$;
        """
    }
}
