/// Version 4 of the PostgreSQL schema: batched claims. `acquire_many_v4` and
/// `release_many_v4` take arrays and answer every element in one statement and one commit,
/// by calling the per-lock functions once per element: the rules of one lock (its tokens, its
/// refusals, its ledger row) live in the per-lock functions alone, and a batch decides each
/// lock exactly as a single call would.
///
/// Elements are taken in lock-id order, in every batch of every process, so two batches never
/// wait on each other in a cycle (no deadlock). A claim that finds its row being written by
/// another transaction right now (the row's `xmax` is a transaction still in progress: another
/// process claiming the same tick) is not waited for when `p_defer` is set: it answers `busy`,
/// and the caller asks again for the busy ones alone in a second statement, after its own
/// batch has committed, so no batch waits behind another's whole batch while holding its own
/// rows, and no claim is refused on a guess (no gaps).
///
/// Like the versions before, everything is added next to the earlier objects, never in their
/// place.
extension PostgresSchema {
    /// The objects version 4 adds, in creation order.
    var version4: [String] { [v4AcquireMany, v4ReleaseMany] }

    var acquireManyV4Function: String { table.quoted(suffix: "_acquire_many_v4") }
    var releaseManyV4Function: String { table.quoted(suffix: "_release_many_v4") }

    /// The per-lock acquire that a batch calls for each element: `acquire_v2`, whose token rule
    /// version 3 redefined in place (tokens on the database's clock), so batched and single
    /// claims draw tokens alike. A later version that changes the per-lock decision in a new
    /// function (a new refusal) adds a batch function of its own that calls it, built the same way.
    private var v4PerLockAcquire: String { acquireV2Function }
    /// The per-lock release that a batch calls for each element.
    private var v4PerLockRelease: String { releaseV2Function }

    /// `acquire_many_v4`: one `acquire_v2` per element, in lock-id order; answers one row per
    /// element, `o_index` (1-based, the element's place in the arrays) first, then the columns
    /// of `acquire_v2`, or `o_reason` `busy` (and NULL elsewhere) for an element deferred.
    var v4AcquireMany: String {
        acquireMany(named: acquireManyV4Function, calling: v4PerLockAcquire, extraColumns: [], extraArguments: [])
    }

    /// A batch acquire named `name` that calls the per-lock acquire `perLock` once per element,
    /// as described above. `perLock` takes `acquire_v2`'s parameters, then `extraArguments`
    /// (SQL, e.g. `NULL::text`), and answers `acquire_v2`'s columns, then `extraColumns`
    /// (`name type`). Each version whose per-lock acquire changes adds one of these.
    func acquireMany(named name: String, calling perLock: String, extraColumns: [String], extraArguments: [String]) -> String {
        let t = table.quoted
        let columns = extraColumns.map { ", " + $0 }.joined()
        let nulls = extraColumns.map { ", NULL::" + $0.split(separator: " ").last! }.joined()
        let arguments = extraArguments.map { ", " + $0 }.joined()
        return """
        CREATE OR REPLACE FUNCTION \(name)(
            p_lock_ids text[], p_owners text[], p_ttl_us bigint[], p_live_us bigint[], p_tick_us bigint[],
            p_jobs text[], p_job_types text[], p_keep integer, p_defer boolean
        ) RETURNS TABLE (
            o_index integer, o_acquired boolean, o_token bigint, o_owner text, o_acquired_us bigint, o_expires_us bigint,
            o_alive_us bigint, o_last_tick_us bigint, o_prev_owner text, o_prev_token bigint,
            o_prev_acquired_us bigint, o_prev_expires_us bigint, o_prev_alive_us bigint, o_reason text,
            o_prev_tick_us bigint\(columns)
        ) LANGUAGE plpgsql AS $fn$
        DECLARE
            i integer;
            v_xmax bigint;
        BEGIN
            FOR i IN SELECT n FROM generate_subscripts(p_lock_ids, 1) AS n ORDER BY p_lock_ids[n], n LOOP
                IF p_defer THEN
                    -- Being written by a transaction still in progress (another process claiming it
                    -- now)? Then answer busy rather than wait for that transaction while holding
                    -- the rows this batch took already. A plain read: it locks and writes nothing.
                    SELECT xmax::text::bigint INTO v_xmax FROM \(t) WHERE lock_id = p_lock_ids[i];
                    IF v_xmax IS NOT NULL AND v_xmax <> 0 AND EXISTS (
                        SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()) AS x
                        WHERE x::text::bigint % 4294967296 = v_xmax
                    ) THEN
                        RETURN QUERY SELECT i, NULL::boolean, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint,
                            NULL::bigint, NULL::bigint, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint,
                            NULL::bigint, 'busy'::text, NULL::bigint\(nulls);
                        CONTINUE;
                    END IF;
                END IF;
                RETURN QUERY SELECT i, a.* FROM \(perLock)(
                    p_lock_ids[i], p_owners[i], p_ttl_us[i], p_live_us[i], p_tick_us[i], p_jobs[i], p_job_types[i],
                    CASE WHEN p_jobs[i] IS NOT NULL THEN p_keep END\(arguments)
                ) AS a;
            END LOOP;
        END
        $fn$;
        """
    }

    /// `release_many_v4`: one `release_v2` per element, in lock-id order; answers one row per
    /// element, `o_index` first, then the columns of `release_v2`.
    var v4ReleaseMany: String {
        """
        CREATE OR REPLACE FUNCTION \(releaseManyV4Function)(
            p_lock_ids text[], p_tokens bigint[], p_relaxed boolean, p_outcomes text[], p_errors text[]
        ) RETURNS TABLE (
            o_index integer, o_outcome text, o_at_us bigint, o_owner text, o_token bigint, o_acquired_us bigint,
            o_expires_us bigint, o_alive_us bigint
        ) LANGUAGE plpgsql AS $fn$
        DECLARE
            i integer;
        BEGIN
            FOR i IN SELECT n FROM generate_subscripts(p_lock_ids, 1) AS n ORDER BY p_lock_ids[n], n LOOP
                RETURN QUERY SELECT i, r.* FROM \(v4PerLockRelease)(
                    p_lock_ids[i], p_tokens[i], p_relaxed, p_outcomes[i], p_errors[i]
                ) AS r;
            END LOOP;
        END
        $fn$;
        """
    }
}
