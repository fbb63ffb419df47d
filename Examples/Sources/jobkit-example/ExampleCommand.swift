import ArgumentParser
import ExampleJobs
import Foundation
import JobKit
import Logging

/// Runs the example jobs once each through `DBMutex`, the way the scheduler's `once` command
/// will, and exits with the worst outcome's exit code.
///
/// ```sh
/// JOBKIT_DATABASE_URL=postgres://user:password@localhost/jobs swift run jobkit-example report
/// ```
@main
struct ExampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobkit-example",
        abstract: "Run the example jobs once each, under a database lock."
    )

    @Option(help: "The lock store URL (postgres://…); by default JOBKIT_DATABASE_URL.")
    var databaseURL: String?

    @Option(help: "JSON parameters for the jobs named, instead of the sample ones.")
    var parameters: String?

    @Option(help: "The lock TTL in seconds; by default DB_MUTEX_TTL_SECONDS or 1800.")
    var ttl: Int?

    @Argument(help: "The job types to run (report, cleanup); all by default.")
    var jobs: [String] = []

    func validate() throws {
        if let ttl, ttl <= 0 { throw ValidationError("--ttl must be a positive number of seconds.") }
    }

    func run() async throws {
        LoggingSystem.bootstrap(JobKitLogging.factory(), metadataProvider: nil)
        let logger = Logger(label: "jobkit-example")
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment[LockStoreURL.environmentVariable] else {
            throw ValidationError("Give --database-url or set \(LockStoreURL.environmentVariable).")
        }
        let mutex = DBMutex(store: try LockStoreURL.makeStore(url), logger: logger)
        let registry = try ExampleJobs.registry()

        var exitCode: Int32 = 0
        for type in jobs.isEmpty ? registry.typeNames : jobs {
            let json = parameters ?? ExampleJobs.sampleParameters[type]
            let job = try registry.makeJob(type: type, parameters: json.map { Data($0.utf8) }, jobName: type)
            let outcome = await job.run(using: mutex, ttl: ttl.map { .seconds($0) }, lockID: "examples.\(type)", jobName: type)
            if case .storeUnavailable(let error) = outcome {
                logger.jobEvent(
                    .storeUnavailable, level: .error, "The lock store is unavailable: \(error)",
                    [LogKeys.job: .string(type), LogKeys.error: .string("\(error)")]
                )
            }
            exitCode = max(exitCode, outcome.exitCode)
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}
