import ArgumentParser
import Foundation
import JobKit
import JobKitCLI

/// How precisely the scheduler fires, and what many idle jobs cost: both in memory (an
/// `InMemoryLockStore`, no network), through the real `Scheduler` and `DispatchWallClock`.
struct ScheduleBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Scheduler fire lateness and drift, and the idle cost of many jobs (in memory).",
        discussion: """
            First one job fires every --interval-ms for --ticks ticks; then a scheduler holds \
            --jobs jobs that do not fire for --idle-seconds. Each scheduler runs in a \
            ServiceGroup and is stopped by a graceful shutdown.
            """
    )

    @Option(help: "Write the figures as one JSON object to this file.")
    var json: String?

    @Option(help: "How many ticks of the fast job to time.")
    var ticks: Int = 1000

    @Option(help: "The fast job's interval, in milliseconds.")
    var intervalMs: Int = 10

    @Option(help: "How many jobs the idle scheduler holds.")
    var jobs: Int = 10_000

    @Option(help: "How long the idle window lasts, in seconds.")
    var idleSeconds: Double = 30

    @Flag(help: "Run jobkit run --http's server (and swift-prometheus) beside the idle scheduler.")
    var http = false

    @Flag(help: "Let each idle job run once at start (a catch-up of its latest tick) before the idle window.")
    var firedOnce = false

    func validate() throws {
        guard ticks >= 2 else { throw ValidationError("--ticks must be at least 2.") }
        guard intervalMs >= 1 else { throw ValidationError("--interval-ms must be at least 1.") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1.") }
        guard idleSeconds > 0, idleSeconds <= 3600 else {
            throw ValidationError("--idle-seconds must be above 0 and at most 3600.")
        }
    }

    func run() throws {
        let lateness = LatenessMeasurement(ticks: ticks, intervalMs: Int64(intervalMs))
        if http { JobKitCLI.bootstrapPrometheus() }
        let idle = IdleMeasurement(jobs: jobs, idleSeconds: idleSeconds, http: http, firedOnce: firedOnce)
        let loadBefore = machineLoad()
        let fire = try runBlocking { try await lateness.measure() }
        let rest = try runBlocking { try await idle.measure() }
        let loadAfter = machineLoad()

        func ms(_ value: Double?) -> Fixed? { value.map { Fixed(value: $0) } }
        var notes = [
            "Timer lateness is the instant `DispatchWallClock.sleep(until:)` returned to the scheduler minus "
                + "its deadline (wall clock); start lateness is the instant the job's worker began minus its tick "
                + "(after planning, the lock acquire and release on `InMemoryLockStore` through JobKit's blocking "
                + "queue). Percentiles are nearest-rank over \(fire.timer.count) timer wakes and \(fire.start.count) "
                + "runs; the earliest wake was \(String(format: "%+.3f", fire.timer.min ?? .nan)) ms from its deadline, "
                + "and \(fire.timer.count(above: Double(intervalMs))) wakes were later than one interval.",
            "Drift is the largest distance of any tick the job saw from the \(intervalMs) ms grid since the epoch "
                + "(0 means bit-exact). Missed ticks are ticks of the window that neither ran nor were reported as "
                + "`job.skipped` or `job.misfired` (the scheduler coalesces a tick it wakes too late for silently); "
                + "duplicated ticks ran more than once. \(fire.outside) run(s) were for ticks outside the window "
                + "(after its last tick, before the shutdown took effect) and are not counted.",
            "Idle: \(jobs) jobs on `\(rest.schedule)`; CPU is user + system time of the whole process from "
                + "getrusage over the window, divided by its wall time; RSS is `ru_maxrss`; RSS growth per job is the "
                + "resident set (/proc/self/statm) at the end of the window minus before the jobs were built, divided "
                + "by the number of jobs"
                + (firedOnce
                    ? "; each job first ran once at start (a catch-up of its latest tick), so the figure includes what "
                        + "a fired job keeps, and its lock row and ledger row in the in-memory store (memory the runs freed is "
                        + "returned with malloc_trim before the window, so the peak of the simultaneous runs is not counted). "
                    : ". ")
                + "Start-up (until every job had armed its timer\(firedOnce ? " after its run" : "")) took \(String(format: "%.3f", rest.startupSeconds)) s wall and "
                + "\(String(format: "%.3f", rest.startupCPUSeconds)) s CPU; graceful shutdowns took "
                + "\(String(format: "%.3f", fire.shutdownSeconds)) s (fast job) and "
                + "\(String(format: "%.3f", rest.shutdownSeconds)) s (idle jobs).",
        ]
        notes.append("Machine: \(loadBefore) before the run, \(loadAfter) after it.")
        let problems = fire.problems + rest.problems
        if !problems.isEmpty {
            notes.append("Reported during the run: " + problems.prefix(10).joined(separator: "; ")
                + (problems.count > 10 ? "; and \(problems.count - 10) more." : "."))
        }

        let report = BenchReport(
            title: "jobkit-bench schedule (\(ticks) ticks every \(intervalMs) ms; \(jobs) idle jobs for \(idleSeconds) s\(http ? "; --http" : "")\(firedOnce ? "; --fired-once" : ""))",
            rows: [
                ("ticks", "ticks in the window", ticks),
                ("interval_ms", "interval (ms)", intervalMs),
                ("lateness_p50_ms", "timer lateness p50 (ms)", ms(fire.timer.value(at: 0.50))),
                ("lateness_p99_ms", "timer lateness p99 (ms)", ms(fire.timer.value(at: 0.99))),
                ("lateness_max_ms", "timer lateness max (ms)", ms(fire.timer.max)),
                ("start_lateness_p50_ms", "job start lateness p50 (ms)", ms(fire.start.value(at: 0.50))),
                ("start_lateness_p99_ms", "job start lateness p99 (ms)", ms(fire.start.value(at: 0.99))),
                ("start_lateness_max_ms", "job start lateness max (ms)", ms(fire.start.max)),
                ("drift_ms", "drift from the grid (ms)", ms(fire.driftMs)),
                ("missed_ticks", "ticks missed without a report", fire.missed),
                ("ran_ticks", "ticks run", fire.ran),
                ("duplicated_ticks", "ticks run twice", fire.duplicated),
                ("skipped_ticks", "ticks reported job.skipped", fire.skipped),
                ("misfired_ticks", "ticks reported job.misfired", fire.misfired),
                ("jobs", "idle jobs", jobs),
                ("idle_seconds", "idle window (s)", idleSeconds),
                ("idle_cpu_fraction", "idle CPU (fraction of one core)", Fixed(value: rest.cpuFraction, decimals: 4)),
                ("rss_mib", "max RSS (MiB)", Fixed(value: rest.rssMiB, decimals: 1)),
                ("rss_per_job_kib", "RSS growth per idle job (KiB)", Fixed(value: rest.rssPerJobKiB, decimals: 2)),
            ],
            notes: notes
        )
        report.printTable()
        try report.write(toJSON: json)
    }
}
