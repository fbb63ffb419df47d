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

    func validate() throws {
        guard shutdownGrace >= 0 else { throw ValidationError("--shutdown-grace must not be negative.") }
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
            mutex = try options.mutex(fromFile: file.database, logger: logger)
        } catch {
            logger.jobEvent(
                .configInvalid, level: .error, "The scheduler cannot start: \(error)",
                [LogKeys.error: .string("\(error)")]
            )
            throw ExitCode(1)
        }
        var configuration = Scheduler.Configuration()
        configuration.shutdownGrace = .milliseconds(Int64(shutdownGrace * 1000))
        let scheduler = try Scheduler(jobs: jobs, mutex: mutex, configuration: configuration)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: scheduler)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "jobkit.lifecycle", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        )
        try await group.run()
    }
}
