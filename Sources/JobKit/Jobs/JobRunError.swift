/// A job run that went wrong around its worker rather than inside it: the job lost its lock
/// and was cancelled, or the task running it was cancelled (a scheduler whose shutdown grace
/// ran out).
///
/// A lock that could not be released after the worker succeeded is not a failure: the run
/// reports `job.succeeded` and a `lock.release_failed` warning (the lock frees when its
/// heartbeat window passes).
///
/// Reported as ``JobOutcome/failed(_:)`` and `job.failed`.
public struct JobRunError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case leaseLost(LeaseLoss)
        case cancelled
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

    /// The job lost its lock while running (`loss` says how), opted into
    /// ``NonOverlappingJob/cancelsOnLeaseLoss`` and was cancelled.
    static func leaseLost(jobName: String, lease: Lease, loss: LeaseLoss) -> JobRunError {
        JobRunError(code: .leaseLost(loss), jobName: jobName, lease: lease)
    }

    /// The task running the job was cancelled and the worker stopped with `CancellationError`.
    static func cancelled(jobName: String, lease: Lease) -> JobRunError {
        JobRunError(code: .cancelled, jobName: jobName, lease: lease)
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

    /// How the job lost its lock, when it did.
    public var loss: LeaseLoss? {
        if case .leaseLost(let loss) = code { return loss }
        return nil
    }

    /// The holder that took the lock over, when the job lost it to another holder (also when
    /// that holder has released it since).
    public var newHolder: LockHolder? { loss?.newHolder }

    /// A sentence naming the job, its lock and token, and what went wrong.
    public var description: String {
        switch code {
        case .leaseLost(let loss):
            "Job \"\(jobName)\" lost its lock \"\(lockID)\" (token \(token)) while running: \(loss); "
                + "it was cancelled."
        case .cancelled:
            "Job \"\(jobName)\" (lock \"\(lockID)\", token \(token)) was cancelled before it finished: "
                + "the scheduler stopped and the job outlasted its shutdown grace, or its caller cancelled it."
        }
    }
}
