/// Asks a store to open a run-ledger row with an acquisition (``LockRequest/run``): the job it
/// is a run of. The mutex used without a job leaves it `nil` and writes no row.
public struct RunStart: Sendable, Hashable {
    /// The job's name (unique in a jobs file).
    public var job: String
    /// The job's type name (`shell`, or a registered type).
    public var jobType: String
    /// Why it runs, when not for a tick (``RunKind/manual``): recorded on its ledger row.
    /// `nil` records none; the ledger then reads ``RunKind/scheduled`` or ``RunKind/once``
    /// from whether the run has a tick.
    public var kind: RunKind?
    /// The trigger request this run answers, if any: the store claims it in the acquire's
    /// round trip, and refuses the lock when another scheduler claimed it first.
    public var trigger: Int64?

    /// Creates a run start.
    public init(job: String, jobType: String, kind: RunKind? = nil, trigger: Int64? = nil) {
        self.job = job
        self.jobType = jobType
        self.kind = kind
        self.trigger = trigger
    }
}
