/// The name of a structured event: the `event` field of every JSON log line JobKit writes.
///
/// Event names are API: on-call engineers alert on them, so a name is never renamed once
/// released. The README's event reference lists each with its level and fields.
public struct JobEvent: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The name as it appears in the log, e.g. `job.overran`.
    public let rawValue: String

    /// Creates an event name.
    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    // MARK: Scheduler

    /// The scheduler has loaded its jobs and starts firing them. Level `info`.
    public static let schedulerStarted = JobEvent(rawValue: "scheduler.started")
    /// The scheduler got a shutdown request: no new fires from now on. Level `info`.
    public static let schedulerStopping = JobEvent(rawValue: "scheduler.stopping")
    /// The scheduler has stopped; every lock it held is released. Level `info`.
    public static let schedulerStopped = JobEvent(rawValue: "scheduler.stopped")

    // MARK: Jobs

    /// A job acquired its lock and its worker starts. Level `info`.
    public static let jobStarted = JobEvent(rawValue: "job.started")
    /// A job's worker returned within its TTL. Level `info`.
    public static let jobSucceeded = JobEvent(rawValue: "job.succeeded")
    /// A job's worker threw (or its command exited non-zero). Level `error`.
    public static let jobFailed = JobEvent(rawValue: "job.failed")
    /// A job did not run: `reason` is `lock_held` (another process runs it now) or
    /// `already_ran` (another process already ran this tick). Level `info`.
    public static let jobSkipped = JobEvent(rawValue: "job.skipped")
    /// A job finished after its lock's TTL ran out; `overlapped` says whether another holder
    /// took the lock meanwhile. The overlap alert. Level `error`.
    public static let jobOverran = JobEvent(rawValue: "job.overran")
    /// A tick was missed by more than the job's grace period and was not run. Level `warning`.
    public static let jobMisfired = JobEvent(rawValue: "job.misfired")

    // MARK: Locks

    /// A lock's TTL passed while its holder is still running: the early warning of an overrun.
    /// Level `warning`.
    public static let lockExpired = JobEvent(rawValue: "lock.expired")
    /// An acquisition took a lock over from a holder that expired or stopped beating;
    /// `previous_owner` and `reason` say whom and why. Level `warning`.
    public static let lockRecovered = JobEvent(rawValue: "lock.recovered")
    /// A heartbeat found the lease taken over or force-released: the holder no longer holds
    /// its lock. Level `error`.
    public static let lockLost = JobEvent(rawValue: "lock.lost")
    /// `withDBMutex` finished after the lock's TTL ran out but its body threw, so the caller
    /// sees the body's error; this event reports the timeout. Level `error`.
    public static let lockOverran = JobEvent(rawValue: "lock.overran")

    // MARK: Store

    /// The lock store could not be reached; jobs do not run until it returns. Once per outage.
    /// Level `error`.
    public static let storeUnavailable = JobEvent(rawValue: "store.unavailable")
    /// The lock store is reachable again after an outage. Level `info`.
    public static let storeRecovered = JobEvent(rawValue: "store.recovered")

    // MARK: Configuration

    /// A jobs file could not be used; `error` holds every problem. Level `error`.
    public static let configInvalid = JobEvent(rawValue: "config.invalid")
}
