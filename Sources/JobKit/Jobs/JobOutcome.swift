/// How one run of a ``NonOverlappingJob`` ended.
///
/// ``NonOverlappingJob/run(using:tick:ttl:lockID:jobName:jobType:wait:)`` returns an outcome instead of
/// throwing, and has already reported it as an event (``event``), except
/// ``storeUnavailable(_:)``, which the caller reports (see there).
///
/// ## Exit codes
///
/// ``exitCode`` is what a command running one job (the scheduler's `once`) exits with:
///
/// | Outcome | Exit code | Event |
/// | --- | --- | --- |
/// | ``succeeded`` | 0 | `job.succeeded` |
/// | ``skipped(_:)`` | 0 | `job.skipped` |
/// | ``failed(_:)`` | 1 | `job.failed` |
/// | ``overran(_:)`` | 3 | `job.overran` |
/// | ``storeUnavailable(_:)`` | 4 | `store.unavailable` |
///
/// A skip exits 0 on purpose: when every machine of a fleet runs the same command from cron,
/// all but one skip on every tick. That is the lock doing its job, and a non-zero status would
/// page for it; the `job.skipped` event says it happened. Code 2 is left out because shells
/// and many tools use it for command-line usage errors.
public enum JobOutcome: Sendable, CustomStringConvertible {
    /// The worker returned, within the lock's TTL.
    case succeeded
    /// The worker did not run: the lock is held elsewhere, or this tick already ran.
    case skipped(SkipReason)
    /// The worker returned, but after the lock's TTL ran out. The error's
    /// ``DBMutexTimeoutError/overlapped`` says whether another holder took the lock meanwhile
    /// (a real overlap) or nobody did.
    case overran(DBMutexTimeoutError)
    /// The worker threw (the error is kept), the job could not be started (an invalid lock id
    /// or TTL), it lost its lock and was cancelled, or its lock could not be released (a
    /// ``JobRunError``).
    ///
    /// When the worker threw *and* the TTL ran out, the outcome is `failed`, and `job.overran`
    /// is reported as well as `job.failed`: overlap alerts are never hidden behind an error.
    case failed(any Error)
    /// The lock store could not be reached to acquire the lock, so the worker did not run
    /// (fail closed). This is not a skip: nobody may have run the job.
    ///
    /// ``NonOverlappingJob/run(using:tick:ttl:lockID:jobName:jobType:wait:)`` does not report this
    /// outcome: the caller reports `store.unavailable`, because only it knows whether this is
    /// a new outage or the same one (the scheduler reports it once per outage).
    case storeUnavailable(any Error)

    /// The event that reports this outcome.
    public var event: JobEvent {
        switch self {
        case .succeeded: .jobSucceeded
        case .skipped: .jobSkipped
        case .overran: .jobOverran
        case .failed: .jobFailed
        case .storeUnavailable: .storeUnavailable
        }
    }

    /// The exit status of a command that ran this one job; see "Exit codes" above.
    public var exitCode: Int32 {
        switch self {
        case .succeeded, .skipped: 0
        case .failed: 1
        case .overran: 3
        case .storeUnavailable: 4
        }
    }

    /// The error of a failed, overrun or store-unavailable outcome.
    public var error: (any Error)? {
        switch self {
        case .succeeded, .skipped: nil
        case .overran(let timeout): timeout
        case .failed(let error), .storeUnavailable(let error): error
        }
    }

    /// A sentence saying how the run ended.
    public var description: String {
        switch self {
        case .succeeded: "The job succeeded."
        case .skipped(let reason): "The job was skipped: \(reason)"
        case .overran(let timeout): "The job overran: \(timeout)"
        case .failed(let error): "The job failed: \(error)"
        case .storeUnavailable(let error): "The lock store is unavailable, so the job did not run: \(error)"
        }
    }
}
