import Foundation

/// One run of a job, as the run ledger keeps it: what ran where, when, and how it ended.
public struct RunRecord: Sendable, Hashable {
    /// The job's name.
    public var job: String
    /// The job's type name, if recorded.
    public var jobType: String?
    /// The lock the run held.
    public var lockID: String
    /// The scheduled tick it ran for; `nil` for a run started by hand (`jobkit once`).
    public var tick: Date?
    /// The run's fencing token: it orders runs, newest highest.
    public var token: Int64
    /// Who ran it (by default `host:pid`).
    public var owner: String
    /// When it started, on the store's clock.
    public var startedAt: Date
    /// When it ended, on the store's clock; `nil` while it runs.
    public var endedAt: Date?
    /// How it ended, or ``RunOutcome/running``.
    public var outcome: RunOutcome
    /// A summary of its error, if it failed.
    public var error: String?
    /// Whether another holder took its lock over while it ran: the runs overlapped.
    public var overlapped: Bool
    /// Why it ran: for a tick, because an operator asked (`jobkit trigger`), or by hand.
    public var kind: RunKind

    /// Creates a record. Without a `kind`, it is ``RunKind/scheduled`` when the run has a tick
    /// and ``RunKind/once`` when it has none.
    public init(
        job: String, jobType: String?, lockID: String, tick: Date?, token: Int64, owner: String, startedAt: Date,
        endedAt: Date?, outcome: RunOutcome, error: String?, overlapped: Bool, kind: RunKind? = nil
    ) {
        self.kind = kind ?? (tick == nil ? .once : .scheduled)
        self.job = job
        self.jobType = jobType
        self.lockID = lockID
        self.tick = tick
        self.token = token
        self.owner = owner
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.error = error
        self.overlapped = overlapped
    }

    /// How long it ran, in whole milliseconds; `nil` while it runs.
    public var durationMilliseconds: Int64? {
        endedAt.map { Int64(($0.timeIntervalSince(startedAt) * 1000).rounded()) }
    }
}
