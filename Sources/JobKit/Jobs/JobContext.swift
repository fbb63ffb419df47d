import Foundation
import Logging

/// What a job's worker gets to know about its run: who it is, the lease it holds, the tick it
/// runs for, where to log, and whether it should stop.
///
/// A context is a value; copies share the run's cancellation state, so it may be passed to
/// child tasks.
public struct JobContext: Sendable {
    /// The job's name: the name in the jobs file, or the type name when run directly.
    public let jobName: String
    /// The held lock. Its ``Lease/token`` is a fencing token: pass it to resources that can
    /// refuse writes carrying a token lower than one they have already seen, so a run that
    /// lost its lock without knowing cannot overwrite a newer run's work.
    public let lease: Lease
    /// The scheduled time this run is for, if it runs for one.
    public let tick: Date?
    /// A logger for the worker, with `job`, `job_type`, `lock_id` and `token` (and `tick`,
    /// when there is one) attached as metadata, so the worker's own lines can be told apart.
    public let logger: Logger

    private let signals: JobSignals

    /// Creates a context, for calling ``NonOverlappingJob/runWorker(context:)`` directly in
    /// a test. Its run is never cancelled and its lease never lost.
    ///
    /// - Parameters:
    ///   - jobName: the job's name.
    ///   - lease: the lease the worker should believe it holds.
    ///   - tick: the scheduled time of the run, if any.
    ///   - logger: where the worker logs.
    public init(jobName: String, lease: Lease, tick: Date? = nil, logger: Logger) {
        self.init(jobName: jobName, lease: lease, tick: tick, logger: logger, signals: JobSignals())
    }

    init(jobName: String, lease: Lease, tick: Date?, logger: Logger, signals: JobSignals) {
        self.jobName = jobName
        self.lease = lease
        self.tick = tick
        self.logger = logger
        self.signals = signals
    }

    /// Whether the run has been cancelled: the job lost its lock and opted into
    /// ``NonOverlappingJob/cancelsOnLeaseLoss``, or the task that runs the job was cancelled.
    ///
    /// The worker's task is cancelled in both cases too, so `Task.isCancelled` answers the
    /// same inside it; this property answers from any task holding the context.
    public var isCancelled: Bool { signals.isCancelled }

    /// Whether a heartbeat found the lock taken over or force-released while the job runs,
    /// whether or not that cancels the job. A worker that did not opt into cancellation can
    /// check it between steps.
    public var isLeaseLost: Bool { signals.isLeaseLost }
}
