import ArgumentParser
import FleetHarness
import Foundation

/// N jobs all due at the same instants on K `jobkit`-equivalent processes against one
/// PostgreSQL: how late runs start when thousands of jobs share a tick, and what each tick
/// costs the database.
struct BurstBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "burst",
        abstract: "Many jobs due at the same instant on several processes: start lateness and database cost per tick.",
        discussion: """
            Starts --processes processes of `jobkit run` (this program's burst-worker: jobkit's \
            commands with an in-process job type that records its start and end, so the scheduler \
            is measured rather than fork) on one jobs file of --jobs jobs, all every --interval-ms, \
            so every job of every process is due at the same instants; runs --ticks ticks, stops \
            them with SIGTERM and compares the runs with the events. --shell makes every job a \
            `shell` job running bash instead. Claims are batched (the scheduler's default); with \
            --unbatched the same run then measures a second fleet that sends one claim per job \
            (the path before batching) and prints the ratios.
            """
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "How many jobkit processes.")
    var processes: Int = 4

    @Option(help: "How many jobs each process runs (all due at the same instants).")
    var jobs: Int = 1000

    @Option(help: "The jobs' interval, in milliseconds.")
    var intervalMs: Int = 2000

    @Option(help: "How many ticks to measure.")
    var ticks: Int = 5

    @Flag(help: "Run `shell` jobs (bash recording its start and end) instead of in-process jobs.")
    var shell = false

    @Flag(help: """
        Also measure, in the same run and on the same database, a fleet sending one claim per \
        job per tick (no batching), and print the ratios to the batched figures.
        """)
    var unbatched = false

    func validate() throws {
        guard processes >= 1, jobs >= 1, ticks >= 1 else {
            throw ValidationError("--processes, --jobs and --ticks must be at least 1.")
        }
        guard intervalMs >= 100 else { throw ValidationError("--interval-ms must be at least 100.") }
    }

    func run() throws {
        let batched = try measure(batched: true)
        var rows = batched.rows(keyPrefix: "", labelPrefix: "")
        var notes = batched.notes
        if unbatched {
            let baseline = try measure(batched: false)
            rows += baseline.rows(keyPrefix: "unbatched_", labelPrefix: "unbatched: ")
            func ratio(_ key: String, _ label: String, _ figure: (BurstMeasurement) -> Double?) {
                var value: Fixed?
                if let before = figure(baseline), let after = figure(batched), after > 0 {
                    value = Fixed(value: before / after, decimals: 1)
                }
                rows.append((key, label, value))
            }
            ratio("p99_ratio", "start p99, unbatched / batched", { $0.lateness.value(at: 0.99) })
            ratio("p50_ratio", "start p50, unbatched / batched", { $0.lateness.value(at: 0.5) })
            ratio("statements_ratio", "statements per (job, tick), unbatched / batched", \.statements)
            ratio("wal_flushes_ratio", "WAL flushes per tick, unbatched / batched", \.walFlushes)
            notes += baseline.notes.dropFirst(2).map { "Unbatched fleet: " + $0 }
        }
        if shell {
            // Measured after the fleet, on the same machine: what the runs' starts alone cost.
            let floor = try ShellSpawnFloor.measure(runs: jobs, processes: processes)
            func ms(_ value: Double?) -> Fixed? { value.map { Fixed(value: $0) } }
            rows += [
                ("floor_runs", "floor: runs of the record script", floor.count),
                ("floor_start_p50_ms", "floor: run start after xargs started p50 (ms)", ms(floor.value(at: 0.5))),
                ("floor_start_p99_ms", "floor: run start after xargs started p99 (ms)", ms(floor.value(at: 0.99))),
                ("floor_start_max_ms", "floor: run start after xargs started max (ms)", ms(floor.max)),
            ]
            var ratio: Fixed?
            if let fleet = batched.lateness.value(at: 0.99), let bare = floor.value(at: 0.99), bare > 0 {
                ratio = Fixed(value: fleet / bare, decimals: 2)
            }
            rows.append(("start_p99_vs_floor", "start p99, fleet / floor", ratio))
            notes.append(
                "Floor: the \(jobs) runs of the same record script started by \(processes) `xargs -P 0` (each "
                    + "starting its share at once), all at one instant, after the fleet stopped: "
                    + "no scheduler, no database, no claim. A run's start minus the instant xargs were started: what starting "
                    + "the runs alone costs this machine."
            )
        }
        let report = BenchReport(
            title: "jobkit-bench burst (\(processes) processes × \(jobs) \(shell ? "shell" : "in-process") jobs, "
                + "\(ticks) ticks every \(intervalMs) ms\(unbatched ? ", batched then unbatched" : ""))",
            rows: [
                ("jobs", "jobs per process", jobs),
                ("processes", "processes", processes),
                ("shell", "shell jobs", shell),
                ("ticks", "ticks measured", ticks),
                ("interval_ms", "interval (ms)", intervalMs),
            ] + rows,
            notes: notes
        )
        report.printTable()
        try report.write(toJSON: options.json)
    }

    /// Runs one fleet, batched or not, and measures it.
    private func measure(batched: Bool) throws -> BurstMeasurement {
        let url = try options.resolvedURL()
        let libpqURL = try options.libpqURL()
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobkit-bench-burst-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let interval = Duration.milliseconds(intervalMs)
        let fleetJobs = (0..<jobs).map { FleetJob(name: "job\($0)", interval: interval, run: .zero) }
        let fleet = try Fleet(
            executable: executable, databaseURL: url, directory: directory,
            prefix: "bench-burst-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))-", jobs: fleetJobs,
            heartbeatInterval: .seconds(10), heartbeatWindow: .seconds(30), shutdownGrace: .seconds(5),
            jobType: shell ? "shell" : BurstRecordJob.typeName, leadingArguments: ["burst-worker"]
        )
        let transactions = TransactionCounter(url: libpqURL)
        let wal = WALCounter(url: libpqURL)
        let loadBefore = machineLoad()
        let transactionsBefore = try transactions.read()
        let walBefore = try wal.read()
        let intervalMs = Int64(self.intervalMs)
        let ticks = self.ticks
        let processes = self.processes

        // The window: `ticks` whole ticks, starting one interval after every process reported
        // scheduler.started (each has armed its timers by then, or is late for its first tick).
        let measured = try runBlocking { () -> (window: ClosedRange<Int64>, cpu: [Double]) in
            let arguments = batched ? [] : ["--claim-window-ms", "0"]
            try fleet.start(.init(repeating: FleetProcessOptions(extraArguments: arguments), count: processes))
            try await fleet.waitUntilRunning(timeout: .seconds(300))
            let runningMS = Int64(Date().timeIntervalSince1970 * 1000)
            let first = (runningMS / intervalMs + 2) * intervalMs
            let last = first + Int64(ticks - 1) * intervalMs
            let pids = fleet.processes.map(\.pid)
            // CPU over the window's ticks: from half an interval before the first to half after the last.
            try await Self.sleep(untilMS: first - intervalMs / 2)
            let cpuBefore = pids.map { ProcessCPU.seconds(of: $0) ?? 0 }
            try await Self.sleep(untilMS: last + intervalMs / 2)
            let cpuAfter = pids.map { ProcessCPU.seconds(of: $0) ?? 0 }
            let seconds = Double(last - first + intervalMs) / 1000
            try await fleet.stop(timeout: .seconds(120))
            return (first...last, zip(cpuBefore, cpuAfter).map { ($1 - $0) / seconds })
        }
        let transactionsAfter = try transactions.read()
        let walAfter = try wal.read()
        let loadAfter = machineLoad()
        let analysis = try fleet.analyze(window: measured.window)
        let events = fleet.events

        // Every (job, tick) fired from start to stop, and every tick instant: the divisors of the
        // database's work, which is counted over the whole run (start-up migrations included).
        let firedPairs = Set(analysis.runs.map { "\($0.job) \($0.tickMS)" })
            .union(events.compactMap { event in
                guard event.name == "job.skipped", let job = event.string("job"), let tick = event.tickMS else { return nil }
                return "\(job) \(tick)"
            })
        let firedTicks = Set(firedPairs.compactMap { $0.split(separator: " ").last.flatMap { Int64($0) } })
        let windowRuns = analysis.runs.filter { measured.window.contains($0.tickMS) }
        let lateness = Percentiles(windowRuns.map { Double($0.startNS - $0.tickMS * 1_000_000) / 1e6 })
        let statements = Double(transactionsAfter - transactionsBefore - 1) / Double(max(1, firedPairs.count))
        var walFlushes: Double?
        var walMiB: Double?
        if let before = walBefore, let after = walAfter {
            walFlushes = Double(after.syncs - before.syncs) / Double(max(1, firedTicks.count))
            walMiB = Double(after.bytes - before.bytes) / 1_048_576 / Double(max(1, firedTicks.count))
        }
        let cpu = Percentiles(measured.cpu)
        let crashed = fleet.processes.filter { $0.exitStatus != 0 }

        var notes = [
            (shell
                ? "Each job is a `shell` job running bash, which appends its start and end to one file."
                : "Each job is an in-process job (`burst-record`) appending its start and end to one file: no fork.")
                + " Start lateness is a run's recorded start minus its tick, over the \(windowRuns.count) runs of "
                + "the \(ticks) ticks measured (timer, planning, the acquire, the worker's start).",
            "Statements per (job, tick): transactions in pg_stat_database over the whole run (start-up "
                + "migrations included) divided by the \(firedPairs.count) (job, tick) pairs fired. WAL flushes per "
                + "tick: pg_stat_wal.wal_sync over the whole run divided by the \(firedTicks.count) tick instants "
                + "fired; the server counts flushes only with fsync=on (it had fsync=\(try wal.fsync())), its WAL "
                + "writer's included: it flushes each 1 MB of WAL (wal_writer_flush_after) and the relaxed commits "
                + "of releases, so a tick's flushes follow the WAL it writes (pg_stat_wal.wal_bytes, likewise per tick).",
            "Claims: " + (batched
                ? "batched (each process gathers the claims due together until 5 ms pass without one, at most 100 ms, and sends them as one statement, "
                    + "and likewise the releases)."
                : "unbatched (one acquire and one release statement per job per process per tick).")
                + " CPU per process is user + system time from /proc/PID/stat over the measured ticks, as a fraction of one core.",
            "Machine: \(loadBefore) before, \(loadAfter) after.",
        ]
        if !crashed.isEmpty {
            notes.append("Processes that did not exit cleanly: " + crashed.map { "\($0.owner) (\($0.exitStatus ?? -1))" }.joined(separator: ", "))
        }
        let problems = analysis.duplicates.map(\.description) + analysis.gaps.map(\.description)
        if !problems.isEmpty {
            notes.append("Found: " + problems.prefix(5).joined(separator: "; ")
                + (problems.count > 5 ? "; and \(problems.count - 5) more." : "."))
        }

        return BurstMeasurement(
            runs: windowRuns.count, lateness: lateness, statements: statements, walFlushes: walFlushes, walMiB: walMiB,
            duplicates: analysis.duplicates.count, gaps: analysis.gaps.count, cpu: cpu, uncleanExits: crashed.count,
            notes: notes
        )
    }

    /// Sleeps until the wall clock reads `milliseconds` since the epoch.
    private static func sleep(untilMS milliseconds: Int64) async throws {
        let left = Double(milliseconds) / 1000 - Date().timeIntervalSince1970
        if left > 0 { try await Task.sleep(for: .milliseconds(Int64(left * 1000))) }
    }
}
