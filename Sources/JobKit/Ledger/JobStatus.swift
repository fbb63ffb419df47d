import Foundation

/// One job as `jobkit status` shows it: its schedule and next ticks, its last run, its last
/// success, its run of failures, and who runs it now. Built by ``JobStatusReport``.
public struct JobStatus: Sendable, Hashable {
    /// The job's name.
    public var name: String
    /// The job's type name (`shell`, or a registered type).
    public var type: String
    /// The job's schedule, as the jobs file would write it (`every 30s`, `cron 0 3 * * *`, …).
    public var schedule: String
    /// The lock the job runs under.
    public var lockID: String
    /// Whether the jobs file enables it.
    public var isEnabled: Bool
    /// The next ticks after the report's time, oldest first (none when the schedule ends).
    public var nextTicks: [Date]
    /// The newest run in the ledger, if any.
    public var lastRun: RunRecord?
    /// When the newest successful run (among the runs the ledger keeps) started.
    public var lastSuccessAt: Date?
    /// How many runs since the last success failed, overran or were lost (runs still going
    /// and cancelled runs neither count nor break the streak).
    public var consecutiveFailures: Int
    /// Who holds the job's lock now, if anyone: the run in progress.
    public var running: LockHolder?
    /// The job's pause for the fleet (`jobkit pause`), if it is paused.
    public var pause: JobPause?

    /// Creates a status.
    public init(
        name: String, type: String, schedule: String, lockID: String, isEnabled: Bool, nextTicks: [Date],
        lastRun: RunRecord?, lastSuccessAt: Date?, consecutiveFailures: Int, running: LockHolder?, pause: JobPause? = nil
    ) {
        self.pause = pause
        self.name = name
        self.type = type
        self.schedule = schedule
        self.lockID = lockID
        self.isEnabled = isEnabled
        self.nextTicks = nextTicks
        self.lastRun = lastRun
        self.lastSuccessAt = lastSuccessAt
        self.consecutiveFailures = consecutiveFailures
        self.running = running
    }

    /// The last success and the failures since, from `runs` (newest first).
    static func successAndFailures(in runs: [RunRecord]) -> (lastSuccessAt: Date?, consecutiveFailures: Int) {
        var failures = 0
        for run in runs {
            if run.outcome == .succeeded { return (run.startedAt, failures) }
            if run.outcome.isFailure { failures += 1 }
        }
        return (nil, failures)
    }
}
