import ArgumentParser
import FleetHarness
import Foundation

/// K `jobkit run` processes on one jobs file of N jobs and one database for a while, checked
/// the way the fleet tests check: runs per tick, duplicates, gaps, overlaps.
struct FleetBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "A fleet of jobkit processes running the same jobs: runs per tick, duplicates, gaps, overlaps.",
        discussion: """
            Starts --processes `jobkit run` processes (the executable next to this one, or \
            --jobkit) on one jobs file of --jobs shell jobs firing every --interval-ms, each \
            recording its start and end, for --seconds; then stops them with SIGTERM and \
            compares the runs with the events. With --skew-ms, the processes' scheduler clocks \
            are spread evenly from -skew to +skew.
            """
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "How many jobkit processes.")
    var processes: Int = 8

    @Option(help: "How many jobs each process runs.")
    var jobs: Int = 20

    @Option(help: "The jobs' interval, in milliseconds.")
    var intervalMs: Int = 1000

    @Option(help: "How long each run takes, in milliseconds (the job sleeps that long).")
    var runMs: Int = 10

    @Option(help: "How long the fleet runs, in seconds.")
    var seconds: Double = 60

    @Option(help: "Spread the processes' scheduler clocks evenly over -skew ... +skew milliseconds.")
    var skewMs: Int = 0

    @Option(help: "The processes' --control-interval, in seconds (how often each reads pauses and triggers). Default: jobkit's (2).")
    var controlInterval: Double?

    @Option(help: "The jobkit executable. Default: the one next to this program.")
    var jobkit: String?

    func validate() throws {
        guard processes >= 1, jobs >= 1 else { throw ValidationError("--processes and --jobs must be at least 1.") }
        if let controlInterval, !(controlInterval > 0) {
            throw ValidationError("--control-interval must be a positive number of seconds.")
        }
        guard intervalMs >= 1, runMs >= 0, skewMs >= 0, seconds > 0, seconds <= 3600 else {
            throw ValidationError("--interval-ms must be at least 1, --run-ms and --skew-ms not negative, --seconds in (0, 3600].")
        }
    }

    func run() throws {
        let url = try options.resolvedURL()
        let executable = URL(fileURLWithPath: jobkit ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("jobkit").path)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ValidationError("No jobkit executable at \(executable.path); build it (swift build) or pass --jobkit.")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobkit-bench-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let fleetJobs = (0..<jobs).map { index in
            FleetJob(name: "job\(index)", interval: .milliseconds(intervalMs), run: .milliseconds(runMs))
        }
        let fleet = try Fleet(
            executable: executable, databaseURL: url, directory: directory,
            prefix: "bench-fleet-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))-", jobs: fleetJobs,
            heartbeatInterval: .seconds(1), heartbeatWindow: .seconds(3), shutdownGrace: .seconds(2)
        )
        let counter = try options.isPostgres ? TransactionCounter(url: options.libpqURL()) : nil
        let loadBefore = machineLoad()
        let transactionsBefore = try counter?.read()
        var processOptions: [FleetProcessOptions] = skewMs == 0
            ? .uniform(processes) : .skewed(processes, by: .milliseconds(skewMs))
        if let controlInterval {
            for index in processOptions.indices {
                processOptions[index].extraArguments += ["--control-interval", String(controlInterval)]
            }
        }
        let options = processOptions
        let seconds = self.seconds
        try runBlocking {
            try fleet.start(options)
            try await fleet.waitUntilRunning(timeout: .seconds(60))
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            try await fleet.stop(timeout: .seconds(60))
        }
        let transactionsAfter = try counter?.read()
        let loadAfter = machineLoad()
        let analysis = try fleet.analyze()
        try report(fleet: fleet, analysis: analysis, transactions: transactionsBefore.flatMap { before in
            transactionsAfter.map { $0 - before - 1 }
        }, load: (loadBefore, loadAfter))
    }

    private func report(
        fleet: Fleet, analysis: FleetAnalysis, transactions: Int64?, load: (before: String, after: String)
    ) throws {
        let events = fleet.events
        func count(_ name: String, reason: String? = nil) -> Int {
            events.filter { $0.name == name && (reason == nil || $0.string("reason") == reason) }.count
        }
        let expected = analysis.jobs.reduce(0) { $0 + $1.expectedTicks }
        let inWindow = analysis.jobs.reduce(0) { $0 + $1.runsInWindow }
        let lateness = Percentiles(analysis.runs.map { Double($0.startNS - $0.tickMS * 1_000_000) / 1e6 })
        let crashed = fleet.processes.filter { $0.exitStatus != 0 }
        // Ticks fired while the fleet ran (each process fires every job's every tick), for the
        // statements-per-tick figure: every run and every refusal of the whole run.
        let allTicks = Set(analysis.runs.map { "\($0.job) \($0.tickMS)" })
            .union(events.compactMap { event in
                guard event.name == "job.skipped", let job = event.string("job"), let tick = event.tickMS else { return nil }
                return "\(job) \(tick)"
            })
        func ms(_ value: Double?) -> Fixed? { value.map { Fixed(value: $0) } }

        var notes = [
            "Each job is a `shell` job running bash, which appends a start and an end line (job, tick, fencing "
                + "token, wall-clock µs) to one file; that record is the ground truth. The window holds the "
                + "ticks from one interval after every process was running to one interval (plus a run) before "
                + "the stop; runs per tick, gaps and duplicates count those. Overlaps are pairs of runs of one "
                + "job whose start–end spans intersect; an overlap is reported when the older token's holder "
                + "logged `lock.lost` or `job.overran` with `overlapped`. Start lateness is a run's recorded "
                + "start minus its tick: scheduler timer, acquire, spawn of bash.",
            transactions == nil
                ? "Statements per tick are measured on PostgreSQL only."
                : "Statements per tick: transactions committed or rolled back in the database (pg_stat_database) "
                    + "from before the processes started to after they exited, divided by the \(allTicks.count) "
                    + "(job, tick) pairs fired; every JobKit call is one autocommitted statement, so a tick whose "
                    + "run ends before its first heartbeat costs \(processes) acquires (one wins) and one release: "
                    + "\(processes + 1). It includes each process's start-up migration and anything else that used "
                    + "the database meanwhile, and each process's control poll: one statement per control interval.",
            "Heartbeat every 1 s, window 3 s, shutdown grace 2 s, control poll every "
                + "\(controlInterval.map { "\($0) s" } ?? "2 s (the default)"). Machine: \(load.before) before, \(load.after) after.",
        ]
        if !crashed.isEmpty {
            notes.append("Processes that did not exit cleanly: " + crashed.map { "\($0.owner) (\($0.exitStatus ?? -1))" }.joined(separator: ", "))
        }
        let problems = analysis.duplicates.map(\.description) + analysis.unexplainedGaps.map(\.description)
            + analysis.overlaps.map(\.description) + analysis.unlockedRuns.map { "without job.started: \($0)" }
        if !problems.isEmpty {
            notes.append("Found: " + problems.prefix(10).joined(separator: "; ")
                + (problems.count > 10 ? "; and \(problems.count - 10) more." : "."))
        }

        let report = BenchReport(
            title: "jobkit-bench fleet (\(processes) processes × \(jobs) jobs every \(intervalMs) ms for \(seconds) s"
                + (skewMs == 0 ? ")" : ", clocks ±\(skewMs) ms)"),
            rows: [
                ("store", "store", try options.resolvedURL().replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression)),
                ("processes", "processes", processes),
                ("jobs", "jobs per process", jobs),
                ("interval_ms", "interval (ms)", intervalMs),
                ("run_ms", "run time (ms)", runMs),
                ("seconds", "seconds", seconds),
                ("skew_ms", "clock skew (± ms)", skewMs),
                ("expected_runs", "(job, tick) pairs in the window", expected),
                ("runs", "runs in the window", inWindow),
                ("runs_per_tick", "runs per (job, tick)", expected > 0 ? Fixed(value: Double(inWindow) / Double(expected), decimals: 4) : nil),
                ("duplicates", "ticks run more than once", analysis.duplicates.count),
                ("gaps", "ticks not run", analysis.gaps.count),
                ("unexplained_gaps", "ticks not run, unexplained", analysis.unexplainedGaps.count),
                ("overlaps", "overlapping runs", analysis.overlaps.count),
                ("unreported_overlaps", "overlaps not reported", analysis.unreportedOverlaps.count),
                ("unlocked_runs", "runs without job.started", analysis.unlockedRuns.count),
                ("skipped_already_ran", "job.skipped already_ran", count("job.skipped", reason: "already_ran")),
                ("skipped_lock_held", "job.skipped lock_held", count("job.skipped", reason: "lock_held")),
                ("skipped_still_running", "job.skipped still_running", count("job.skipped", reason: "still_running")),
                ("misfired", "job.misfired", count("job.misfired")),
                ("store_unavailable", "store.unavailable", count("store.unavailable")),
                ("unclean_exits", "processes that did not exit 0", crashed.count),
                ("start_lateness_p50_ms", "run start after its tick p50 (ms)", ms(lateness.value(at: 0.5))),
                ("start_lateness_p99_ms", "run start after its tick p99 (ms)", ms(lateness.value(at: 0.99))),
                ("start_lateness_max_ms", "run start after its tick max (ms)", ms(lateness.max)),
                ("statements_per_tick", "statements per (job, tick)",
                 transactions.map { Fixed(value: Double($0) / Double(max(1, allTicks.count)), decimals: 2) }),
            ],
            notes: notes
        )
        report.printTable()
        try report.write(toJSON: self.options.json)
    }
}
