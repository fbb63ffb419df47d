import ArgumentParser
import Foundation
import JobKit

/// P processes race on one lock for D seconds, each holding it for a short critical section;
/// reports acquisitions/s, refusals, the share of time the lock was held, and overlaps.
struct ContendBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contend",
        abstract: "Several processes racing on one lock."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "How many processes race.")
    var processes: Int = 8

    @Option(help: "How long they race, in seconds.")
    var seconds: Double = 10

    @Option(help: "The critical section, in milliseconds.")
    var holdMs: Double = 2

    @Option(help: "How long a refused process waits before trying again, in microseconds (without --wait).")
    var retryDelayUs: Int = 200

    @Option(help: "Wait for the lock with DBMutex's wait: (backoff on the store's clock) for up to this many seconds, instead of retrying by hand.")
    var wait: Double?

    func validate() throws {
        guard processes >= 1 else { throw ValidationError("--processes must be at least 1") }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
        if let wait, !(wait > 0) { throw ValidationError("--wait must be a positive number of seconds") }
    }

    func run() throws {
        let url = try options.resolvedURL()
        try LockStoreURL.makeStore(url).migrate()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("jobkit-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lockID = "jobkit-bench-contend-\(ProcessInfo.processInfo.processIdentifier)"
        // Start a moment from now, so every worker is up and the race starts at once.
        let start = monotonicNanoseconds() + 1_500_000_000
        let end = start + Int64(seconds * 1e9)

        let counter = options.isPostgres ? TransactionCounter(url: url) : nil
        let transactionsBefore = try counter?.read()
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var children: [pid_t] = []
        for index in 0..<processes {
            let arguments = [
                executable, "contend-worker", "--database-url", url, "--lock", lockID,
                "--start-ns", String(start), "--end-ns", String(end), "--hold-ms", String(holdMs),
                "--retry-delay-us", String(retryDelayUs),
            ] + (wait.map { ["--wait-s", String($0)] } ?? []) + [
                "--marker", directory.appendingPathComponent("occupied").path,
                "--output", directory.appendingPathComponent("worker-\(index).json").path,
            ]
            children.append(try spawn(arguments))
        }
        for child in children {
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
            guard status == 0 else { throw ValidationError("a worker failed with status \(status)") }
        }

        var intervals: [(start: Int64, bodyEnd: Int64, end: Int64, worker: Int)] = []
        // The workers have exited, so their counters have reached pg_stat_database.
        var statementsPerSecond: Double?
        if let counter, let transactionsBefore {
            statementsPerSecond = Double(try counter.read() - transactionsBefore) / (Double(end - start) / 1e9)
        }
        var refusals = 0
        var markerOverlaps = 0
        var perProcess: [Int] = []
        for index in 0..<processes {
            let data = try Data(contentsOf: directory.appendingPathComponent("worker-\(index).json"))
            let result = try JSONDecoder().decode(ContendWorker.Result.self, from: data)
            refusals += result.refusals
            markerOverlaps += result.markerOverlaps
            intervals += result.held.map { ($0[0], $0[1], $0[2], index) }
            perProcess.append(result.held.count)
        }
        intervals.sort { $0.start < $1.start }
        var heldNanoseconds: Int64 = 0
        var intervalOverlaps = 0
        var coveredUntil = start
        var lastEnd: (end: Int64, worker: Int)?
        for interval in intervals {
            let from = max(interval.start, coveredUntil)
            let to = min(interval.end, end)
            if to > from { heldNanoseconds += to - from }
            coveredUntil = max(coveredUntil, interval.end)
            // Critical sections (not the release round trips after them) must never intersect.
            if let lastEnd, interval.start < lastEnd.end, lastEnd.worker != interval.worker { intervalOverlaps += 1 }
            if lastEnd == nil || interval.bodyEnd > lastEnd!.end { lastEnd = (interval.bodyEnd, interval.worker) }
        }
        let wall = Double(end - start) / 1e9
        let report = BenchReport(
            title: "jobkit-bench contend (\(processes) processes, \(seconds) s, \(holdMs) ms critical section)",
            rows: [
                ("store", "store", try LockStoreURL.makeStore(url).description),
                ("processes", "processes", processes),
                ("seconds", "seconds", seconds),
                ("acquisitions", "acquisitions", intervals.count),
                ("acquisitions_per_s", "acquisitions/s", Double(intervals.count) / wall),
                ("refusals", "refusals", refusals),
                ("held_fraction", "share of time the lock was held", Double(heldNanoseconds) / Double(end - start)),
                ("overlaps", "overlaps observed", markerOverlaps + intervalOverlaps),
                ("wait_s", "wait for a busy lock (s)", wait),
                ("per_process_min", "acquisitions by the least lucky process", perProcess.min() ?? 0),
                ("per_process_max", "acquisitions by the luckiest process", perProcess.max() ?? 0),
                ("statements_per_s", "statements/s on the database (tries, releases)", statementsPerSecond),
            ],
            notes: [
                "Held time runs from the moment an acquire returns to the moment its release returns, "
                    + "on CLOCK_MONOTONIC shared by all processes; overlaps are counted twice over: by an "
                    + "O_EXCL marker file claimed inside each critical section, and by intersecting the "
                    + "critical sections of different processes. "
                    + (wait.map { "Each process waits for the lock with withLock(wait: \($0) s): jittered exponential backoff "
                        + "judged on the store's clock; a refusal is a wait that gave up." }
                        ?? "A refused process retries after \(retryDelayUs) µs."),
            ]
        )
        report.printTable()
        try report.write(toJSON: options.json)
    }

    private func spawn(_ arguments: [String]) throws -> pid_t {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let status = posix_spawn(&pid, arguments[0], nil, nil, argv, environ)
        guard status == 0 else { throw ValidationError("could not start a worker: \(status)") }
        return pid
    }
}
