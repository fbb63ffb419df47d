/// The name of a metric JobKit records through swift-metrics, and the names of its labels.
///
/// Metric names are API, like event names (``JobEvent``): dashboards and alert rules use
/// them, so a name is never renamed once released. Each mirrors an event, and the README's
/// metric reference lists them side by side. Label values are bounded: job names come from
/// the jobs file (or the code that runs a job), outcomes and reasons from closed lists. A lock
/// id is never a label, so `withDBMutex` callers with ids made at run time get their own
/// metrics without labels per lock.
public struct JobMetric: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The name as a Prometheus backend exports it, e.g. `jobkit_runs_total`.
    public let rawValue: String

    /// Creates a metric name.
    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    // MARK: Jobs

    /// Runs of a job that held its lock (or could not start), by how they ended: a counter.
    /// Labels `job`, `outcome` (`succeeded`, `failed`, `overran`, `lost`, `cancelled`, as in
    /// the run ledger). Mirrors `job.succeeded`, `job.failed` and `job.overran`.
    public static let runs = JobMetric(rawValue: "jobkit_runs_total")
    /// Fires of a job that did not run: a counter. Labels `job`, `reason` (`lock_held`,
    /// `already_ran`, `still_running`, and any reason `job.skipped` gains). Mirrors `job.skipped`.
    public static let skips = JobMetric(rawValue: "jobkit_skips_total")
    /// Runs that overlapped another holder of their lock: a counter. Label `job`. Counts a
    /// `job.overran` with `overlapped` true and a `lock.lost`, once per run.
    public static let overlaps = JobMetric(rawValue: "jobkit_overlaps_total")
    /// Ticks that no machine of the fleet ran: a counter. Label `job`. Mirrors `job.missed`
    /// (it grows by that event's `missed`).
    public static let missedTicks = JobMetric(rawValue: "jobkit_missed_ticks_total")
    /// Ticks this process missed by more than the job's grace: a counter. Label `job`. Mirrors
    /// `job.misfired` (it grows by that event's `missed`).
    public static let misfires = JobMetric(rawValue: "jobkit_misfires_total")
    /// How long runs took, from the worker's start to its end: a timer (a histogram in
    /// seconds). Label `job`. The `duration_ms` of the outcome events.
    public static let runDuration = JobMetric(rawValue: "jobkit_run_duration_seconds")
    /// How late workers started after their tick (jitter included): a timer (a histogram in
    /// seconds). Label `job`. Recorded at `job.started` for runs that have a tick.
    public static let startLateness = JobMetric(rawValue: "jobkit_start_lateness_seconds")
    /// How many job workers run in this process now: a gauge. Between `job.started` and the
    /// run's outcome event.
    public static let runningJobs = JobMetric(rawValue: "jobkit_running_jobs")

    // MARK: Store

    /// Whether the scheduler's last call to the store succeeded: a gauge, 1 or 0. Goes to 0
    /// with `store.unavailable` and back to 1 with `store.recovered`.
    public static let storeUp = JobMetric(rawValue: "jobkit_store_up")

    // MARK: The mutex without a job

    /// Critical sections of `withDBMutex`, `DBMutex.withLock` and `withLease` (not job runs),
    /// by how the acquisition went: a counter. Label `outcome`: `acquired`, `held` (another
    /// holder has it), `already_ran`. No lock id label: ids may be made at run time.
    public static let mutexAcquisitions = JobMetric(rawValue: "jobkit_mutex_acquisitions_total")
    /// Critical sections of the mutex without a job that overlapped another holder: a counter,
    /// no labels. Counts a `lock.lost`, and a timeout with `overlapped` (`lock.overran`, or
    /// the ``DBMutexTimeoutError`` thrown to the caller).
    public static let mutexOverlaps = JobMetric(rawValue: "jobkit_mutex_overlaps_total")

    // MARK: Labels

    /// The label names metrics use.
    public enum Label {
        /// The job's name, from the jobs file.
        public static let job = "job"
        /// How a run or an acquisition ended.
        public static let outcome = "outcome"
        /// Why a fire did not run.
        public static let reason = "reason"
    }
}
