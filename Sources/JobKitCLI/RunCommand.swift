import ArgumentParser
import Foundation
import JobKit
import Logging
import ServiceLifecycle
import UnixSignals

/// `jobkit run [CONFIG]`: the scheduler.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the scheduler until SIGTERM or SIGINT (Ctrl-C).",
        discussion: "Reads CONFIG (default jobs.json, else jobs.example.json), fires every enabled job on its schedule under its lock, and logs each outcome as a structured event."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The jobs file. Default: jobs.json, or jobs.example.json when there is none.")
    var config: String?

    @Option(help: "How long running jobs may take to finish after a shutdown request, in seconds, before they are cancelled.")
    var shutdownGrace: Double = 30

    @Option(help: "How often a running job's holder proves it is alive, in seconds.")
    var heartbeatInterval: Double = 10

    @Option(help: "How long after its last heartbeat a holder is presumed dead and its lock free, in seconds.")
    var heartbeatWindow: Double = 30

    @Option(help: "How often, in seconds, the scheduler reads the fleet controls (pauses, `jobkit trigger` requests): one statement per poll for all its jobs.")
    var controlInterval: Double = 2

    @Option(help: "This process's name in the lock table (default host:pid).")
    var owner: String?

    @Option(help: "Serve /metrics, /healthz, /readyz, /api/status and a status page at ADDRESS:PORT (or PORT, on 127.0.0.1). Off unless given.")
    var http: HTTPAddress?

    @Option(help: .hidden)
    var testingClockOffset: Double = 0

    /// The quiet gap, in milliseconds, that ends a gathering of claims due together into one
    /// batch (capped at 20 gaps after its first claim); 0 sends each alone (what
    /// `jobkit-bench burst --unbatched` measures).
    @Option(help: .hidden)
    var claimWindowMs: Double = 5

    func validate() throws {
        guard controlInterval > 0 else { throw ValidationError("--control-interval must be positive.") }
        guard shutdownGrace >= 0 else { throw ValidationError("--shutdown-grace must not be negative.") }
        guard heartbeatInterval > 0, heartbeatInterval < heartbeatWindow else {
            throw ValidationError("--heartbeat-interval must be positive and shorter than --heartbeat-window.")
        }
    }

    func run() async throws {
        options.bootstrapLogging()
        let logger = Logger(label: "jobkit")
        let path = JobsFileChoice.path(config, logger: logger)
        let file: JobsFile
        let jobs: [ScheduledJob]
        let mutex: DBMutex
        do {
            file = try JobsFileChoice.load(path)
            jobs = try JobsFileChoice.scheduledJobs(file)
            var configured = try options.mutex(fromFile: file.database, logger: logger)
            try configured.store.validateForScheduling()
            configured.heartbeat = HeartbeatPolicy(
                interval: .milliseconds(Int64(heartbeatInterval * 1000)), window: .milliseconds(Int64(heartbeatWindow * 1000))
            )
            if let owner { configured.owner = owner }
            mutex = configured
        } catch {
            logger.configInvalid("The scheduler cannot start", error)
            throw ExitCode(1)
        }
        var configuration = Scheduler.Configuration()
        configuration.shutdownGrace = .milliseconds(Int64(shutdownGrace * 1000))
        configuration.claimWindow = claimWindowMs > 0 ? .microseconds(Int64(claimWindowMs * 1000)) : nil
        configuration.controlInterval = .milliseconds(Int64(controlInterval * 1000))
        let clock: any SchedulerClock = testingClockOffset == 0
            ? DispatchWallClock()
            : OffsetClock(offset: .milliseconds(Int64(testingClockOffset * 1000)))
        let scheduler = try Scheduler(jobs: jobs, mutex: mutex, clock: clock, configuration: configuration)
        // Shut down in reverse order: the scheduler first, while /healthz still answers 503.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let http {
            let server = MonitoringServer(
                address: http, scheduler: scheduler, jobs: file.jobs, store: mutex.store, logger: logger
            )
            services.append(.init(service: server.application()))
        }
        services.append(.init(service: scheduler))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "jobkit.lifecycle", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        )
        try await group.run()
    }
}
