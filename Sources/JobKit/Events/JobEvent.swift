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
    /// Fields: `jobs` (how many), `owner`, `store`.
    public static let schedulerStarted = JobEvent(rawValue: "scheduler.started")
    /// The scheduler got a shutdown request: no new fires from now on. Level `info`.
    /// Fields: `running` (how many jobs are still running and get the shutdown grace).
    public static let schedulerStopping = JobEvent(rawValue: "scheduler.stopping")
    /// The scheduler has stopped; every lock it held is released. Level `info`.
    public static let schedulerStopped = JobEvent(rawValue: "scheduler.stopped")

    // MARK: Jobs

    /// A job acquired its lock and its worker starts. Level `info`.
    ///
    /// Fields: `job`, `job_type`, `lock_id`, `token` (the fencing token), `owner`, `tick` (when
    /// the run is for a scheduled time), `ttl_s` (absent for a lock that never expires).
    public static let jobStarted = JobEvent(rawValue: "job.started")
    /// A job's worker returned and its lease held to the end (never after a lost lease; a
    /// release that failed afterwards adds ``lockReleaseFailed``). Level `info`.
    ///
    /// Fields: those of ``jobStarted`` but `owner`, and `duration_ms`. `job_type` is the type
    /// name the jobs file uses (`shell`, `report`) for a scheduled job, with the Swift type as
    /// `swift_type`; the job's ``NonOverlappingJob/instanceJobTypeName`` otherwise.
    public static let jobSucceeded = JobEvent(rawValue: "job.succeeded")
    /// A job's worker threw (or its command exited non-zero), the job lost its lock and was
    /// cancelled, or it could not start (an invalid lock id or TTL, or its task was cancelled
    /// while it waited for its lock). Level `error`.
    ///
    /// Fields: `job`, `job_type`, `lock_id`, `tick`, and `error` (the error's description);
    /// once the lock was held also `token`, `ttl_s` and `duration_ms`. When the worker threw
    /// after the TTL ran out, ``jobOverran`` is reported just before it.
    public static let jobFailed = JobEvent(rawValue: "job.failed")
    /// A job did not run: `reason` is `lock_held` (another process runs it now),
    /// `already_ran` (another process already ran this tick), `still_running` (this process
    /// still runs the previous tick; decided without asking the store), `paused` (`jobkit
    /// pause`) or `stopping` (the scheduler stopped while the tick waited for its lock in the
    /// `queue_one` queue). Level `info`.
    ///
    /// Fields: `job`, `job_type`, `lock_id`, `reason`; for `lock_held` the holder: `holder`
    /// (its owner string), `holder_token`, `since`, `until` (absent when its lock never
    /// expires); for `already_ran`, `tick` and `last_tick`; for `still_running` and
    /// `stopping`, `tick`; for `paused`, `tick`, `paused_by`, `paused_at`, `pause_reason`.
    public static let jobSkipped = JobEvent(rawValue: "job.skipped")
    /// A job finished without its lease holding to the end: its lock's TTL ran out, another
    /// holder took it over, or an operator force-released it; `overlapped` says whether
    /// another holder took the lock meanwhile. The overlap alert. Level `error`.
    ///
    /// Fields: `job`, `job_type`, `lock_id`, `token`, `tick`, `overlapped` (boolean), `reason`
    /// (`expired`, `taken_over` or `force_released`), `ttl_s`, `expired_at`, `duration_ms`,
    /// `force_released_at` when known, and the newcomer: `holder`, `holder_token`,
    /// `holder_released`, `since`, `until`. Reported whether the worker returned or threw
    /// (then ``jobFailed`` follows): an overlap is never hidden behind an error.
    public static let jobOverran = JobEvent(rawValue: "job.overran")
    /// A line a job wrote (the built-in `shell` type logs the last lines of each stream of a
    /// run, before the run's outcome event). Level `info`.
    ///
    /// Fields: `job`, `job_type`, `lock_id`, `token`, `tick`, `stream` (`stdout` or `stderr`)
    /// and `line`; or, instead of `line`, `dropped_lines` when earlier lines were not logged.
    public static let jobOutput = JobEvent(rawValue: "job.output")
    /// A tick was missed by more than the job's grace period and was not run. Level `warning`.
    ///
    /// Fields: `job`, `lock_id`, `tick` (the latest missed tick), `first_tick`, `missed` (how
    /// many ticks were missed).
    public static let jobMisfired = JobEvent(rawValue: "job.misfired")
    /// Ticks that no machine of the fleet ran: every machine was down, its clock was behind a
    /// machine that claimed a later tick, or the job was skipped everywhere. Logged once per gap
    /// across the fleet, by the machine whose run claims the next tick. Level `warning`.
    ///
    /// Fields: `job`, `lock_id`, `tick` (the newest missed tick), `first_tick`, `missed` (how
    /// many), `token` and `owner` (the run that noticed).
    public static let jobMissed = JobEvent(rawValue: "job.missed")

    // MARK: Locks

    /// A lock's TTL passed while its holder is still running: the early warning of an overrun.
    /// Level `warning`.
    ///
    /// Fields: `lock_id`, `token`, `owner`, `ttl_s`, `expired_at`; `job` and `job_type` when
    /// the holder is a job.
    public static let lockExpired = JobEvent(rawValue: "lock.expired")
    /// An acquisition took a lock over from a holder that expired or stopped beating;
    /// `previous_owner` and `reason` say whom and why. Level `warning`.
    ///
    /// Fields: `lock_id`, `token`, `owner`, `previous_owner`, `previous_token`, `reason`
    /// (`expired` or `owner_dead`); `job` and `job_type` when the new holder is a job.
    public static let lockRecovered = JobEvent(rawValue: "lock.recovered")
    /// A heartbeat found the lease taken over or force-released: the holder no longer holds
    /// its lock. Level `error`. The message names what happened: force-released by an operator
    /// (when), or taken over by token N of owner O, still holding or since released.
    ///
    /// Fields: `lock_id`, `token`, `owner`, `ttl_s`, `reason` (`force_released` or
    /// `taken_over`), `force_released_at` when known, and the holder that took over
    /// (`holder`, `holder_token`, `since`, `until`, `holder_released`); `job` and `job_type`
    /// when the holder is a job.
    public static let lockLost = JobEvent(rawValue: "lock.lost")
    /// `withDBMutex` finished after the lock's TTL ran out but its body threw, so the caller
    /// sees the body's error; this event reports the timeout. Level `error`.
    ///
    /// Fields: `lock_id`, `token`, `overlapped`, `ttl_s`, `error`, and the newcomer when known
    /// (`holder`, `holder_token`, `since`, `until`). Job runs report `job.overran` instead.
    public static let lockOverran = JobEvent(rawValue: "lock.overran")
    /// Releasing a lock failed (the store could not be reached). The lock frees when its
    /// heartbeat window passes (its TTL without heartbeats); a job whose worker succeeded is
    /// still `job.succeeded`. Level `warning`.
    ///
    /// Fields: `lock_id`, `token`, `owner`, `ttl_s`, `error`; `job` and `job_type` when the
    /// holder is a job.
    public static let lockReleaseFailed = JobEvent(rawValue: "lock.release_failed")

    // MARK: Store

    /// The lock store could not be reached, or refused in a way no retry can fix; jobs do not
    /// run until it works again. Once per outage, and again when the outage turns permanent or
    /// back. Level `error`. Fields: `store`, `error`, `permanent` (boolean), `cause` when
    /// permanent (``LockStoreError/permanentCause``), and `job` when a job's fire found it.
    ///
    /// A job run reports it through its caller: ``NonOverlappingJob/run(using:tick:ttl:lockID:jobName:jobType:wait:)``
    /// returns ``JobOutcome/storeUnavailable(_:)`` without logging, because only the caller
    /// knows whether the outage is new.
    public static let storeUnavailable = JobEvent(rawValue: "store.unavailable")
    /// The lock store is reachable again after an outage. Level `info`. Fields: `store`.
    public static let storeRecovered = JobEvent(rawValue: "store.recovered")
    /// The SQLite file a store had open was deleted, moved away or replaced, and the store
    /// opened its path again. Level `warning`. Fields: `store`, `reason` (`deleted` or
    /// `replaced`). Locks held in the old file are lost; their holders report `lock.lost`.
    public static let storeReopened = JobEvent(rawValue: "store.reopened")
    /// The store's clock was behind the last fencing token of a lock when it was acquired (the
    /// clock was set back, or a failover reached a host whose clock lags the old primary's):
    /// the token was made the previous one + 1, so it still increases, but tokens are only
    /// guaranteed never to repeat while the clocks agree. Level `error`. Fields: `lock_id`,
    /// `token`, `owner`, `ahead_us` (how far the token is ahead of the clock, in microseconds).
    public static let storeClockBehind = JobEvent(rawValue: "store.clock_behind")

    // MARK: HTTP

    /// `jobkit run --http` serves `/metrics`, the probes, `/api/status` and the status page.
    /// Level `info`. Fields: `address` (`host:port`).
    public static let httpStarted = JobEvent(rawValue: "http.started")
    /// `jobkit run --http` listens on an address beyond this machine's loopback: anyone who
    /// reaches it reads the status page and the metrics (never secrets). Level `warning`.
    /// Fields: `address`.
    public static let httpExposed = JobEvent(rawValue: "http.exposed")

    // MARK: Configuration

    /// A jobs file could not be used (`error` holds every problem), or at start-up the store
    /// refused in a way no retry can fix (`error`, `cause`, `store`). Level `error`.
    public static let configInvalid = JobEvent(rawValue: "config.invalid")
}
