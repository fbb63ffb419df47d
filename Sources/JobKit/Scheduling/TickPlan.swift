import Foundation

/// What a scheduler does at one moment for one job: the answer of ``TickPlanner/plan(lastHandled:now:)``.
public struct TickPlan: Sendable, Hashable {
    /// The tick to run now: the latest due tick, when it is within the grace period. Nil when no
    /// tick is due, or when the latest due tick is older than the grace period (then it is
    /// part of ``misfired``).
    public let run: Date?
    /// How many due ticks, besides ``run``, were within the grace period and are folded into
    /// that one run (not run separately, not reported as misfired).
    public let coalesced: Int
    /// The due ticks older than the grace period, which are not run: report them as
    /// `job.misfired`. Nil when there are none.
    public let misfired: MissedTicks?
    /// The first tick strictly after now (and after the last handled tick): set the timer for
    /// it. Nil when the schedule never fires again.
    public let nextTick: Date?
    /// What to pass as `lastHandled` to the next ``TickPlanner/plan(lastHandled:now:)``: the
    /// latest due tick (run or misfired), else the `lastHandled` given, else (at start) `now`,
    /// which marks every tick up to now as handled. Not necessarily a tick.
    public let lastHandled: Date

    /// Creates a plan.
    public init(run: Date?, coalesced: Int, misfired: MissedTicks?, nextTick: Date?, lastHandled: Date) {
        self.run = run
        self.coalesced = coalesced
        self.misfired = misfired
        self.nextTick = nextTick
        self.lastHandled = lastHandled
    }
}
