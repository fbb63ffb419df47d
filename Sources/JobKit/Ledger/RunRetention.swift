/// How many runs of each job a store's ledger keeps.
///
/// Pruning is bounded work per run: each release deletes at most a few of that job's oldest
/// rows beyond the bound, found by index, never by a sweep of the table. So the ledger holds
/// at most ``runsPerJob`` rows per job once it has reached the bound (after a lowered bound,
/// it shrinks by a few rows per run).
public struct RunRetention: Sendable, Hashable {
    /// The newest runs kept per job; at least 1.
    public var runsPerJob: Int

    /// Keeps the newest `runsPerJob` runs of each job (at least 1).
    public init(runsPerJob: Int) {
        self.runsPerJob = max(1, runsPerJob)
    }

    /// The newest 1,000 runs per job.
    public static let `default` = RunRetention(runsPerJob: 1000)

    /// The most rows one release prunes.
    static let prunedPerRun = 4
}
