/// How many runs of each job a store's ledger keeps.
///
/// Pruning is bounded work per run, in the acquisition that opens a run's row: it deletes the
/// one row that just fell out of the bound, by index equality, and every
/// ``sweepEvery``th run up to ``sweepEvery`` older rows (left by a lowered bound), never a
/// sweep of the table. So the ledger holds exactly ``runsPerJob`` rows per job once it has
/// reached the bound; after the bound is lowered it shrinks to it over a few hundred runs.
public struct RunRetention: Sendable, Hashable {
    /// The newest runs kept per job; at least 1.
    public var runsPerJob: Int

    /// Keeps the newest `runsPerJob` runs of each job (at least 1).
    public init(runsPerJob: Int) {
        self.runsPerJob = max(1, runsPerJob)
    }

    /// The newest 1,000 runs per job.
    public static let `default` = RunRetention(runsPerJob: 1000)

    /// How often (in runs of a job) pruning also deletes older rows, and at most how many.
    static let sweepEvery = 64
}
