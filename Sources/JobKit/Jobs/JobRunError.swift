/// A job run that went wrong around its worker rather than inside it: the job lost its lock
/// and was cancelled, the task running it was cancelled (a scheduler whose shutdown grace ran
/// out), or its lock could not be released.
///
/// Reported as ``JobOutcome/failed(_:)`` and `job.failed`.
public struct JobRunError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case leaseLost(newHolder: LockHolder?)
        case cancelled
        case releaseFailed(any Error)
    }

    private let code: Code
    /// The job's name.
    public let jobName: String
    /// The lock id the job held.
    public let lockID: String
    /// The fencing token of the job's lease.
    public let token: Int64

    private init(code: Code, jobName: String, lease: Lease) {
        self.code = code
        self.jobName = jobName
        self.lockID = lease.lockID
        self.token = lease.token
    }

    /// The job lost its lock while running (taken over by `newHolder`, or force-released when
    /// `nil`), opted into ``NonOverlappingJob/cancelsOnLeaseLoss`` and was cancelled.
    static func leaseLost(jobName: String, lease: Lease, newHolder: LockHolder?) -> JobRunError {
        JobRunError(code: .leaseLost(newHolder: newHolder), jobName: jobName, lease: lease)
    }

    /// The task running the job was cancelled and the worker stopped with `CancellationError`.
    static func cancelled(jobName: String, lease: Lease) -> JobRunError {
        JobRunError(code: .cancelled, jobName: jobName, lease: lease)
    }

    /// The worker returned, but releasing its lock failed.
    static func releaseFailed(jobName: String, lease: Lease, error: any Error) -> JobRunError {
        JobRunError(code: .releaseFailed(error), jobName: jobName, lease: lease)
    }

    /// Whether the job was cancelled because it lost its lock.
    public var isLeaseLost: Bool {
        if case .leaseLost = code { return true }
        return false
    }

    /// Whether the job was cancelled because the task running it was cancelled, as a
    /// scheduler does to a run still going when its shutdown grace ends.
    public var isCancelled: Bool {
        if case .cancelled = code { return true }
        return false
    }

    /// The holder that took the lock over, when the job lost it to another holder.
    public var newHolder: LockHolder? {
        if case .leaseLost(let holder) = code { return holder }
        return nil
    }

    /// The store's error, when releasing the lock failed.
    public var underlyingError: (any Error)? {
        if case .releaseFailed(let error) = code { return error }
        return nil
    }

    /// A sentence naming the job, its lock and token, and what went wrong.
    public var description: String {
        switch code {
        case .leaseLost(let holder?):
            "Job \"\(jobName)\" lost its lock \"\(lockID)\" (token \(token)) to \(holder.owner) "
                + "(token \(holder.token)) while running, and was cancelled."
        case .leaseLost(nil):
            "Job \"\(jobName)\" lost its lock \"\(lockID)\" (token \(token)), which was force-released "
                + "while it ran, and was cancelled."
        case .cancelled:
            "Job \"\(jobName)\" (lock \"\(lockID)\", token \(token)) was cancelled before it finished: "
                + "the scheduler stopped and the job outlasted its shutdown grace, or its caller cancelled it."
        case .releaseFailed(let error):
            "Job \"\(jobName)\" finished, but releasing its lock \"\(lockID)\" (token \(token)) failed: \(error) "
                + "The lock frees when its heartbeat window or TTL passes; whether the run overran is unknown."
        }
    }
}
