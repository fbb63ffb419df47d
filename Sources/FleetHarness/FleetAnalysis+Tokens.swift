extension FleetAnalysis {
    /// A run whose fencing token is not greater than that of every earlier run of its job.
    public struct TokenRegression: Sendable, Hashable, CustomStringConvertible {
        /// The run with the token that went backwards or repeated.
        public var run: FleetRun
        /// The earlier run (by start) with the largest token, at least the regressing one.
        public var earlier: FleetRun
        public var description: String {
            "\(run.job): token \(run.token) (tick \(FleetTime.timestamp(milliseconds: run.tickMS))) started after "
                + "token \(earlier.token) (tick \(FleetTime.timestamp(milliseconds: earlier.tickMS)))"
                + (run.token == earlier.token ? ": issued twice" : "")
        }
    }

    /// Runs whose token is not strictly greater than every token of an earlier run (by start)
    /// of the same job: fencing tokens that went backwards or were issued twice. Empty when
    /// each job's tokens increase with its runs, as they must, whatever happened to the store
    /// in between.
    public var tokenRegressions: [TokenRegression] {
        var regressions: [TokenRegression] = []
        for (_, jobRuns) in Dictionary(grouping: runs, by: \.job) {
            var largest: FleetRun?
            for run in jobRuns.sorted(by: { ($0.startNS, $0.token) < ($1.startNS, $1.token) }) {
                if let earlier = largest, run.token <= earlier.token {
                    regressions.append(TokenRegression(run: run, earlier: earlier))
                }
                if largest.map({ run.token > $0.token }) ?? true { largest = run }
            }
        }
        return regressions.sorted { $0.run.startNS < $1.run.startNS }
    }
}
