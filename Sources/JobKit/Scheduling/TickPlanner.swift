import Foundation

/// Decides, at a given moment, which tick of a schedule to run, which to report as missed, and
/// when to wake up next. A pure function of its inputs with no clock of its own: the scheduler
/// passes `now`, tests pass any instant.
///
/// ## Rules
/// Let `L` be the last handled instant (``TickPlan/lastHandled`` of the previous plan) and
/// `now` the current time. The **due** ticks are the ticks `t` with `L < t ≤ now`.
/// - **At start** (`lastHandled` nil) without ``catchUp``, nothing in the past runs, however
///   recent: no tick is due, and the first run is ``TickPlan/nextTick``, the first tick
///   strictly after `now`. With ``catchUp``, the latest tick at or before `now` runs if it is
///   within grace (the store refuses it as already ran if another machine ran it); older
///   ticks are not this process's to report (the store reports what nobody ran as `job.missed`).
/// - A due tick is **within grace** when `now − t ≤ grace`, and **missed** when
///   `now − t > grace`.
/// - The **latest** due tick runs (``TickPlan/run``) if it is within grace. The other due
///   ticks within grace are **coalesced** into that run: counted in
///   ``TickPlan/coalesced``, not run. So a process that wakes up late runs a job once, for the
///   latest tick, never once per tick it slept through.
/// - Missed ticks are not run and are reported together (``TickPlan/misfired``: a count and
///   the first and last of them). If the latest due tick is itself missed, nothing runs.
/// - ``TickPlan/nextTick`` is the first tick strictly after both `now` and `L`, so a clock
///   that stepped back never brings a handled tick round again.
///
/// Times are compared in whole milliseconds, `now` and `lastHandled` rounded down to the
/// millisecond, and a grace period finer than a millisecond is rounded down; a negative grace
/// counts as zero. With a zero grace, a tick runs only if the plan is made in the very
/// millisecond it falls due, so give timers some slack (a grace of a few seconds at least).
///
/// The work does not depend on how many ticks were missed: interval ticks are counted by
/// division, cron ticks one day (or one daylight-saving transition) at a time.
public struct TickPlanner: Sendable, Hashable {
    /// The job's schedule.
    public var schedule: Schedule
    /// How late a tick may still run.
    public var grace: Duration
    /// Whether the latest tick within grace runs at start (``CatchUp/latest``).
    public var catchUp: Bool
    /// How much later than the schedule's grid every tick lies: a job's spread offset
    /// (``SpreadOffset``, ``ScheduledJob/tickOffset``); zero for none. The planned ticks are the
    /// shifted instants. Whole milliseconds; a negative offset counts as zero.
    public var offset: Duration

    /// Creates a planner.
    public init(schedule: Schedule, grace: Duration, catchUp: Bool = false, offset: Duration = .zero) {
        self.schedule = schedule
        self.grace = grace
        self.catchUp = catchUp
        self.offset = offset
    }

    /// The plan at `now`, given the last instant this process handled (nil at start).
    public func plan(lastHandled: Date?, now: Date) -> TickPlan {
        let schedule = ShiftedSchedule(self.schedule, offset: offset)
        guard let nowMS = now.tickMillisecondsFloor else {
            return TickPlan(run: nil, coalesced: 0, misfired: nil, nextTick: nil, lastHandled: lastHandled ?? now)
        }
        guard let lastHandled, let lastMS = lastHandled.tickMillisecondsFloor else {
            // At start (or with a `lastHandled` that is not a usable date): everything up to
            // now counts as handled.
            let next = schedule.nextTick(afterMilliseconds: nowMS).map { Date(tickMilliseconds: $0) }
            var run: Date?
            let (oldest, overflow) = nowMS.subtractingReportingOverflow(graceMilliseconds)
            if catchUp, !overflow,
               let latest = schedule.lastTick(atOrBeforeMilliseconds: nowMS, afterMilliseconds: oldest - 1) {
                run = Date(tickMilliseconds: latest)
            }
            return TickPlan(run: run, coalesced: 0, misfired: nil, nextTick: next, lastHandled: now)
        }
        let next = schedule.nextTick(afterMilliseconds: max(nowMS, lastMS)).map { Date(tickMilliseconds: $0) }
        guard let latest = schedule.lastTick(atOrBeforeMilliseconds: nowMS, afterMilliseconds: lastMS) else {
            return TickPlan(run: nil, coalesced: 0, misfired: nil, nextTick: next, lastHandled: lastHandled)
        }

        // Ticks at or after `cutoff` are within grace.
        let (difference, overflow) = nowMS.subtractingReportingOverflow(graceMilliseconds)
        let cutoff = overflow ? Int64.min : difference
        let run = latest >= cutoff ? latest : nil

        var coalesced: Int64 = 0
        if run != nil {
            let withinGrace = schedule.tickCount(afterMilliseconds: max(lastMS, cutoff - 1), throughMilliseconds: nowMS)
            coalesced = withinGrace - 1
        }

        var misfired: MissedTicks?
        if cutoff > Int64.min, cutoff - 1 > lastMS,
            let lastMissed = schedule.lastTick(atOrBeforeMilliseconds: cutoff - 1, afterMilliseconds: lastMS),
            let firstMissed = schedule.nextTick(afterMilliseconds: lastMS)
        {
            let count = schedule.tickCount(afterMilliseconds: lastMS, throughMilliseconds: lastMissed)
            misfired = MissedTicks(
                count: Int(count),
                first: Date(tickMilliseconds: firstMissed),
                last: Date(tickMilliseconds: lastMissed)
            )
        }

        return TickPlan(
            run: run.map { Date(tickMilliseconds: $0) },
            coalesced: Int(coalesced),
            misfired: misfired,
            nextTick: next,
            lastHandled: Date(tickMilliseconds: latest)
        )
    }

    /// The grace period in whole milliseconds, rounded down; zero when negative.
    private var graceMilliseconds: Int64 {
        guard grace > .zero else { return 0 }
        let (seconds, attoseconds) = grace.components
        guard seconds < Int64.max / 1000 - 1 else { return Int64.max }
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
