import Foundation

/// A request for one extra run of a job (`jobkit trigger`), kept in the store until a
/// scheduler runs it.
///
/// The schedulers that run the job see it at their next control poll (the first one to see it
/// marks it ``seenBy``); one of them claims it in the same round trip as the job's lock, so
/// exactly one machine runs it, never next to a running one. A claim that finds the lock held
/// is given back, and the request waits for the next poll.
public struct TriggerRequest: Sendable, Hashable {
    /// The request's number, unique in the store.
    public var id: Int64
    /// The job to run.
    public var job: String
    /// Who asked (by default `user@host`).
    public var requestedBy: String
    /// When it was asked, on the store's clock.
    public var requestedAt: Date
    /// The first scheduler that saw it at a control poll, if any has.
    public var seenBy: String?
    /// The scheduler that claimed it and runs it, once one has.
    public var claimedBy: String?
    /// The fencing token of the run it started, once claimed: the run's row in the ledger.
    public var token: Int64?

    /// Creates a request.
    public init(
        id: Int64, job: String, requestedBy: String, requestedAt: Date, seenBy: String? = nil, claimedBy: String? = nil,
        token: Int64? = nil
    ) {
        self.id = id
        self.job = job
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.seenBy = seenBy
        self.claimedBy = claimedBy
        self.token = token
    }
}
