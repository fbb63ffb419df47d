/// What a fleet did, checked against the promises: each tick of a job runs once across the
/// fleet, never two runs of a job at once, and any overlap that does happen is reported.
///
/// The runs (``FleetRun``, from the record file) are the ground truth; the events say what
/// the processes claimed. Every check is a list that is empty when the promise held.
public struct FleetAnalysis: Sendable, CustomStringConvertible {
    /// A job as the analysis needs it.
    public struct JobSpec: Sendable, Hashable {
        /// Its full name.
        public var name: String
        /// Its interval in milliseconds.
        public var intervalMS: Int64
        /// The wall-clock span (milliseconds since the Unix epoch) whose ticks must each have
        /// a run or an explained skip; nil to check no gaps.
        public var window: ClosedRange<Int64>?

        /// Creates a spec.
        public init(name: String, intervalMS: Int64, window: ClosedRange<Int64>?) {
            self.name = name
            self.intervalMS = intervalMS
            self.window = window
        }

        /// The ticks within ``window``.
        public var expectedTicks: [Int64] {
            guard let window, intervalMS > 0 else { return [] }
            let first = (window.lowerBound + intervalMS - 1).floorDivided(by: intervalMS) * intervalMS
            return Array(stride(from: first, through: window.upperBound, by: Int(intervalMS)))
        }
    }

    /// One tick of a job that ran more than once.
    public struct Duplicate: Sendable, Hashable, CustomStringConvertible {
        /// The job's full name.
        public var job: String
        /// The tick, in milliseconds since the Unix epoch.
        public var tickMS: Int64
        /// Every run for that tick.
        public var runs: [FleetRun]
        public var description: String {
            "\(job) ran \(runs.count) times for tick \(FleetTime.timestamp(milliseconds: tickMS)): \(runs)"
        }
    }

    /// One expected tick of a job that did not run.
    public struct Gap: Sendable, Hashable, CustomStringConvertible {
        /// The job's full name.
        public var job: String
        /// The tick, in milliseconds since the Unix epoch.
        public var tickMS: Int64
        /// The `reason`s of the `job.skipped` events for this tick that say it could not
        /// start (`lock_held`, `still_running`); empty for an unexplained gap.
        public var skipReasons: [String]
        public var description: String {
            "\(job) did not run tick \(FleetTime.timestamp(milliseconds: tickMS))"
                + (skipReasons.isEmpty ? " (unexplained)" : " (skipped: \(skipReasons.joined(separator: ", ")))")
        }
    }

    /// Two runs of one job that were running at the same moment.
    public struct Overlap: Sendable, Hashable, CustomStringConvertible {
        /// The job's full name.
        public var job: String
        /// The run with the smaller token: the one whose lease was superseded.
        public var older: FleetRun
        /// The run with the larger token.
        public var newer: FleetRun
        /// The events that report it: `job.overran` with `overlapped` true, or `lock.lost`,
        /// for the older run's token; as `p<process> <event>`.
        public var reports: [String]
        /// How long both ran at once, in milliseconds.
        public var overlapMS: Double
        /// Whether the newer token started later, as fencing tokens promise.
        public var tokensFollowStarts: Bool { newer.startNS >= older.startNS }
        /// Whether any event reported it.
        public var isReported: Bool { !reports.isEmpty }
        public var description: String {
            "\(job): token \(older.token) (tick \(FleetTime.timestamp(milliseconds: older.tickMS))) and token "
                + "\(newer.token) (tick \(FleetTime.timestamp(milliseconds: newer.tickMS))) ran together for "
                + "\(overlapMS) ms; reported by \(reports.isEmpty ? "nothing" : reports.joined(separator: ", "))"
        }
    }

    /// Per-job figures.
    public struct JobFigures: Sendable, Hashable {
        /// The job's full name.
        public var job: String
        /// The ticks in the job's window.
        public var expectedTicks: Int
        /// Runs for those ticks.
        public var runsInWindow: Int
        /// All runs recorded.
        public var runs: Int
        /// Runs in the window per expected tick: 1 when every tick ran once.
        public var runsPerTick: Double? { expectedTicks > 0 ? Double(runsInWindow) / Double(expectedTicks) : nil }
    }

    /// Every recorded run, by start.
    public let runs: [FleetRun]
    /// Figures per job, in the order the jobs were given.
    public let jobs: [JobFigures]
    /// Ticks that ran more than once.
    public let duplicates: [Duplicate]
    /// Expected ticks without a run (explained or not).
    public let gaps: [Gap]
    /// Runs of one job that overlapped in time.
    public let overlaps: [Overlap]
    /// Runs no process logged a `job.started` for with the same job, tick and token: a run
    /// without its lock.
    public let unlockedRuns: [FleetRun]
    /// Runs of the jobs given whose start was recorded but never their end.
    public let unfinishedRuns: [FleetRun]

    /// Gaps without a skip that explains them.
    public var unexplainedGaps: [Gap] { gaps.filter(\.skipReasons.isEmpty) }
    /// Overlaps no event reported: the failures that matter most.
    public var unreportedOverlaps: [Overlap] { overlaps.filter { !$0.isReported } }

    /// Checks `runs` against `events` for `jobs`; runs of other jobs are ignored.
    public init(runs allRuns: [FleetRun], events: [FleetEvent], jobs specs: [JobSpec]) {
        let names = Set(specs.map(\.name))
        let runs = allRuns.filter { names.contains($0.job) }
        self.runs = runs
        let byJob = Dictionary(grouping: runs, by: \.job)

        var duplicates: [Duplicate] = []
        for (job, jobRuns) in byJob {
            for (tick, tickRuns) in Dictionary(grouping: jobRuns, by: \.tickMS) where tickRuns.count > 1 {
                duplicates.append(Duplicate(job: job, tickMS: tick, runs: tickRuns))
            }
        }
        self.duplicates = duplicates.sorted { ($0.job, $0.tickMS) < ($1.job, $1.tickMS) }

        var skips: [String: [Int64: [String]]] = [:]
        var started = Set<String>()
        var overlapReports: [String: [String]] = [:]
        for event in events {
            guard let job = event.string("job") else { continue }
            switch event.name {
            case "job.skipped":
                if let tick = event.tickMS, let reason = event.string("reason"),
                    reason == "lock_held" || reason == "still_running"
                {
                    skips[job, default: [:]][tick, default: []].append(reason)
                }
            case "job.started":
                if let tick = event.tickMS, let token = event.integer("token") {
                    started.insert("\(job) \(tick) \(token)")
                }
            case "job.overran" where event.bool("overlapped") == true, "lock.lost":
                if let token = event.integer("token") {
                    overlapReports["\(job) \(token)", default: []].append("p\(event.process) \(event.name ?? "")")
                }
            default:
                break
            }
        }

        var figures: [JobFigures] = []
        var gaps: [Gap] = []
        for spec in specs {
            let jobRuns = byJob[spec.name] ?? []
            let ticks = spec.expectedTicks
            let ran = Set(jobRuns.map(\.tickMS))
            for tick in ticks where !ran.contains(tick) {
                gaps.append(Gap(job: spec.name, tickMS: tick, skipReasons: skips[spec.name]?[tick] ?? []))
            }
            let window = Set(ticks)
            figures.append(
                JobFigures(
                    job: spec.name, expectedTicks: ticks.count,
                    runsInWindow: jobRuns.filter { window.contains($0.tickMS) }.count, runs: jobRuns.count
                )
            )
        }
        self.jobs = figures
        self.gaps = gaps

        var overlaps: [Overlap] = []
        for (job, jobRuns) in byJob {
            let sorted = jobRuns.sorted { $0.startNS < $1.startNS }
            for (index, first) in sorted.enumerated() {
                let firstEnd = first.endNS ?? .max
                for second in sorted[(index + 1)...] {
                    guard second.startNS < firstEnd else { break }
                    let (older, newer) = first.token <= second.token ? (first, second) : (second, first)
                    let overlapEnd = min(firstEnd, second.endNS ?? .max)
                    let overlapMS = overlapEnd == .max ? Double.infinity : Double(overlapEnd - second.startNS) / 1e6
                    overlaps.append(
                        Overlap(
                            job: job, older: older, newer: newer,
                            reports: overlapReports["\(job) \(older.token)"] ?? [], overlapMS: overlapMS
                        )
                    )
                }
            }
        }
        self.overlaps = overlaps.sorted { $0.older.startNS < $1.older.startNS }
        self.unlockedRuns = runs.filter { !started.contains("\($0.job) \($0.tickMS) \($0.token)") }
        self.unfinishedRuns = runs.filter { $0.endNS == nil }
    }

    /// The figures and every failed check, for a test's failure message or a report.
    public var description: String {
        var lines = jobs.map { figures in
            "\(figures.job): \(figures.runs) runs, \(figures.runsInWindow) for \(figures.expectedTicks) expected ticks"
        }
        lines.append(
            "duplicates \(duplicates.count), gaps \(gaps.count) (unexplained \(unexplainedGaps.count)), "
                + "overlaps \(overlaps.count) (unreported \(unreportedOverlaps.count)), runs without a job.started "
                + "\(unlockedRuns.count), unfinished \(unfinishedRuns.count)"
        )
        lines += duplicates.map { "duplicate: \($0)" }
        lines += gaps.map { "gap: \($0)" }
        lines += overlaps.map { "overlap: \($0)" }
        lines += unlockedRuns.map { "without job.started: \($0)" }
        lines += unfinishedRuns.map { "unfinished: \($0)" }
        return lines.joined(separator: "\n")
    }
}
