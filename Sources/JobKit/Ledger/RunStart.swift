/// Asks a store to open a run-ledger row with an acquisition (``LockRequest/run``): the job it
/// is a run of. The mutex used without a job leaves it `nil` and writes no row.
public struct RunStart: Sendable, Hashable {
    /// The job's name (unique in a jobs file).
    public var job: String
    /// The job's type name (`shell`, or a registered type).
    public var jobType: String

    /// Creates a run start.
    public init(job: String, jobType: String) {
        self.job = job
        self.jobType = jobType
    }
}
