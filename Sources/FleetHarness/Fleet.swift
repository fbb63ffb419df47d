import Foundation
import Synchronization

/// K `jobkit run` processes on one jobs file and one database: a fleet under test.
///
/// The jobs file holds the ``FleetJob``s, each a `shell` job running ``FleetRecordScript``,
/// named with a prefix of the fleet's own so fleets can share a database and its default
/// table (job names are lock ids). Each process prints JSON lines (``FleetProcess/events``);
/// each run appends its start and end to one record file (``runs()``). ``analyze(window:runningSinceNS:)``
/// compares the two.
///
/// ```swift
/// let fleet = try Fleet(executable: jobkit, databaseURL: url, directory: dir, prefix: "t1-",
///                       jobs: [FleetJob(name: "short", interval: .seconds(1), run: .zero)])
/// try fleet.start(.uniform(4))
/// try await fleet.waitUntilRunning()
/// try await Task.sleep(for: .seconds(8))
/// try await fleet.stop()
/// let analysis = try fleet.analyze()
/// ```
///
/// Processes still running when the fleet goes away are continued and sent SIGTERM, and
/// runs that never recorded their end get SIGTERM to their process group, so a failing test
/// leaves nothing behind.
public final class Fleet: Sendable {
    /// The `jobkit` executable.
    public let executable: URL
    /// The store every process uses (`--database-url`).
    public let databaseURL: String
    /// Where the jobs file, the script and the record file live.
    public let directory: URL
    /// Prepended to every job name, and to the processes' owner strings.
    public let prefix: String
    /// The jobs.
    public let jobs: [FleetJob]
    /// `--heartbeat-interval` unless a process sets its own.
    public let heartbeatInterval: Duration
    /// `--heartbeat-window` unless a process sets its own.
    public let heartbeatWindow: Duration
    /// `--shutdown-grace` of every process.
    public let shutdownGrace: Duration
    /// The job type of every job: `shell` (the default) runs ``FleetRecordScript``; any other
    /// name is an in-process type of ``executable`` taking the parameters `record_file` and
    /// `seconds`, which records its runs in the same format.
    public let jobType: String
    /// Arguments before `run`: a subcommand when ``executable`` is not `jobkit` itself.
    public let leadingArguments: [String]

    private struct State {
        var processes: [FleetProcess] = []
        var runningSinceNS: Int64?
        var stopRequestedNS: Int64?
    }

    private let state = Mutex(State())

    /// Writes the jobs file and the script into `directory` (which must exist).
    public init(
        executable: URL, databaseURL: String, directory: URL, prefix: String, jobs: [FleetJob],
        heartbeatInterval: Duration = .seconds(10), heartbeatWindow: Duration = .seconds(30),
        shutdownGrace: Duration = .seconds(1), jobType: String = "shell", leadingArguments: [String] = []
    ) throws {
        self.executable = executable
        self.databaseURL = databaseURL
        self.directory = directory
        self.prefix = prefix
        self.jobs = jobs
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatWindow = heartbeatWindow
        self.shutdownGrace = shutdownGrace
        self.jobType = jobType
        self.leadingArguments = leadingArguments
        try Data(FleetRecordScript.text.utf8).write(to: scriptFile)
        try Data(jobsFileText().utf8).write(to: jobsFile)
    }

    /// The jobs file every process runs.
    public var jobsFile: URL { directory.appendingPathComponent("jobs.json") }
    /// The file the runs record themselves in.
    public var recordFile: URL { directory.appendingPathComponent(FleetRecordScript.recordFileName) }
    private var scriptFile: URL { directory.appendingPathComponent(FleetRecordScript.fileName) }

    /// A job's full name: its lock id and `JOBKIT_JOB`.
    public func name(of job: FleetJob) -> String { prefix + job.name }

    /// Starts one process per element of `options`, numbered after those already started.
    @discardableResult
    public func start(_ options: [FleetProcessOptions]) throws -> [FleetProcess] {
        try state.withLock { state in
            var started: [FleetProcess] = []
            for option in options {
                let index = state.processes.count
                let owner = "\(prefix)p\(index)"
                let process = try FleetProcess(
                    index: index, owner: owner, options: option, executable: executable,
                    arguments: arguments(owner: owner, option), directory: directory
                )
                state.processes.append(process)
                started.append(process)
            }
            return started
        }
    }

    /// Every process started, in order.
    public var processes: [FleetProcess] { state.withLock { $0.processes } }

    /// The process whose owner string is `owner`.
    public func process(owner: String) -> FleetProcess? { processes.first { $0.owner == owner } }

    /// Every event of every process, in the order the harness read them.
    public var events: [FleetEvent] {
        processes.flatMap(\.events).sorted { ($0.receivedNS, $0.process) < ($1.receivedNS, $1.process) }
    }

    /// The events named `name`, of `job` when given.
    public func events(_ name: String, job: FleetJob? = nil) -> [FleetEvent] {
        let jobName = job.map(self.name(of:))
        return events.filter { $0.name == name && (jobName == nil || $0.string("job") == jobName) }
    }

    /// When every process had reported `scheduler.started` (wall-clock nanoseconds).
    public var runningSinceNS: Int64? { state.withLock { $0.runningSinceNS } }
    /// When ``stop(timeout:)`` was called (wall-clock nanoseconds).
    public var stopRequestedNS: Int64? { state.withLock { $0.stopRequestedNS } }

    /// Waits until every process has reported `scheduler.started`.
    public func waitUntilRunning(timeout: Duration = .seconds(60)) async throws {
        try await Self.waitFor("every process to report scheduler.started", timeout: timeout) {
            for process in processes {
                if let status = process.exitStatus {
                    throw FleetError("process \(process.owner) exited with status \(status) before it started: \(process.otherLines.suffix(5))")
                }
            }
            return processes.allSatisfy { !$0.events("scheduler.started").isEmpty } ? true : nil
        }
        let now = FleetTime.nowNS()
        state.withLock { $0.runningSinceNS = now }
    }

    /// Asks every running process to stop (SIGCONT, then SIGTERM) and waits until all have
    /// exited. Throws when one is still running after `timeout`.
    public func stop(timeout: Duration = .seconds(30)) async throws {
        let now = FleetTime.nowNS()
        state.withLock { $0.stopRequestedNS = $0.stopRequestedNS ?? now }
        for process in processes where process.isRunning {
            process.signal(SIGCONT)
            process.signal(SIGTERM)
        }
        try await Self.waitFor("every process to exit", timeout: timeout) {
            processes.allSatisfy(\.isFinished) ? true : nil
        }
    }

    /// The runs recorded so far.
    public func runs() throws -> [FleetRun] {
        guard FileManager.default.fileExists(atPath: recordFile.path) else { return [] }
        return try FleetRun.parse(String(decoding: Data(contentsOf: recordFile), as: UTF8.self))
    }

    /// Waits until the run of `job` with the fencing token `token` has recorded its start, and
    /// returns that run.
    ///
    /// A scheduler logs `job.started` once it holds the lock, *before* it spawns the job's
    /// process, so that event does not mean the job is running. A test that stops or kills a
    /// scheduler to see what becomes of its running job waits for this, the job's own record,
    /// first: a scheduler frozen between the event and the spawn starts its job only when it
    /// resumes, or never, if it learns of the lock's loss first.
    @discardableResult
    public func waitForRecordedStart(of job: FleetJob, token: Int64, timeout: Duration = .seconds(60)) async throws -> FleetRun {
        let name = name(of: job)
        return try await Self.waitFor("the run with token \(token) of \(name) to record its start", timeout: timeout) {
            try runs().first { $0.job == name && $0.token == token }
        }
    }

    /// The checks on what the fleet did: runs per tick, duplicates, gaps, overlaps and their
    /// reports.
    ///
    /// - Parameters:
    ///   - window: the wall-clock span (milliseconds since the Unix epoch) whose ticks every
    ///     job must have run; by default, for each job, from one interval after every process
    ///     was running to one interval (plus a run) before the stop, where no tick is cut
    ///     short by the fleet starting or stopping.
    ///   - runningSinceNS: for the default window, when the fleet counts as running, instead
    ///     of when its last process reported `scheduler.started` (to keep a process that
    ///     joined later inside the window).
    public func analyze(window: ClosedRange<Int64>? = nil, runningSinceNS: Int64? = nil) throws -> FleetAnalysis {
        let runs = try runs()
        let events = events
        let since = (runningSinceNS ?? self.runningSinceNS).map { $0 / 1_000_000 }
        let until = (stopRequestedNS ?? FleetTime.nowNS()) / 1_000_000
        return FleetAnalysis(
            runs: runs, events: events,
            jobs: jobs.map { job in
                let expected: ClosedRange<Int64>? = window ?? since.flatMap { since in
                    let from = since + job.intervalMS
                    let through = until - job.intervalMS - FleetJob.milliseconds(job.run)
                    return from <= through ? from...through : nil
                }
                return FleetAnalysis.JobSpec(name: name(of: job), intervalMS: job.intervalMS, window: expected)
            }
        )
    }

    /// Polls `condition` every 10 ms until it returns a value, failing after `timeout`.
    @discardableResult
    public static func waitFor<T>(
        _ what: String, timeout: Duration, _ condition: () throws -> T?
    ) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let value = try condition() { return value }
            guard clock.now < deadline else { throw FleetError("Waited \(timeout) for \(what), in vain.") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    deinit {
        for process in state.withLock({ $0.processes }) where process.isRunning {
            process.signal(SIGCONT)
            process.signal(SIGTERM)
        }
        for run in (try? runs()) ?? [] where run.endNS == nil {
            kill(-run.pid, SIGTERM)
        }
    }

    private func arguments(owner: String, _ options: FleetProcessOptions) -> [String] {
        var arguments = leadingArguments + [
            "run", jobsFile.path, "--database-url", databaseURL, "--log-format", "json", "--owner", owner,
            "--heartbeat-interval", FleetJob.seconds(options.heartbeatInterval ?? heartbeatInterval),
            "--heartbeat-window", FleetJob.seconds(options.heartbeatWindow ?? heartbeatWindow),
            "--shutdown-grace", FleetJob.seconds(shutdownGrace),
        ]
        if options.clockOffset != .zero {
            // With `=`, so that a negative offset is not read as an option.
            arguments.append("--testing-clock-offset=" + FleetJob.seconds(options.clockOffset))
        }
        return arguments + options.extraArguments
    }

    private func jobsFileText() -> String {
        let entries = jobs.map { job -> String in
            var members = [
                #""name": \#(quoted(name(of: job)))"#,
                #""type": \#(quoted(jobType))"#,
                #""every": \#(FleetJob.seconds(job.interval))"#,
            ]
            if let ttl = job.ttl { members.append(#""ttl": \#(FleetJob.seconds(ttl))"#) }
            if let grace = job.grace { members.append(#""grace": \#(FleetJob.seconds(grace))"#) }
            if let spread = job.spread { members.append(#""spread": \#(FleetJob.seconds(spread))"#) }
            if let overlap = job.overlap { members.append(#""overlap": "\#(overlap)""#) }
            if jobType == "shell" {
                let command = ["bash", scriptFile.path, recordFile.path, FleetJob.seconds(job.run)].map(quoted)
                members.append(#""parameters": {"command": [\#(command.joined(separator: ", "))]}"#)
            } else {
                members.append(
                    #""parameters": {"record_file": \#(quoted(recordFile.path)), "seconds": \#(FleetJob.seconds(job.run))}"#
                )
            }
            return "    {" + members.joined(separator: ", ") + "}"
        }
        return "{\n  \"jobs\": [\n" + entries.joined(separator: ",\n") + "\n  ]\n}\n"
    }

    private func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = try? encoder.encode(text)
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
