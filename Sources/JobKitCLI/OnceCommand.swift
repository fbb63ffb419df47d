import ArgumentParser
import Foundation
import JobKit
import Logging

/// `jobkit once JOB`: runs one job now, through its lock.
struct OnceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "once",
        abstract: "Run one job now, through its lock, and print its outcome event.",
        discussion: "A disabled job runs only with --force. A shell job's output is printed as job.output events. Exit status: 0 succeeded or skipped (the lock is held elsewhere), 1 failed or refused, 3 overran its TTL, 4 the store could not be reached."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The job's name in the jobs file.")
    var job: String

    @Option(help: "The jobs file. Default: jobs.json, or jobs.example.json when there is none.")
    var config: String?

    @Flag(help: "Run the job even if the jobs file disables it (\"enabled\": false).")
    var force = false

    func run() async throws {
        options.bootstrapLogging()
        let logger = Logger(label: "jobkit")
        let path = JobsFileChoice.path(config, logger: logger)
        let file: JobsFile
        let definition: JobDefinition
        do {
            file = try JobsFileChoice.load(path)
            guard let found = file.jobs.first(where: { $0.name == job }) else {
                throw UnknownJobError(job: job, file: path, known: file.jobs.map(\.name))
            }
            definition = found
        } catch {
            logger.configInvalid("Job \"\(job)\" cannot run", error)
            throw ExitCode(1)
        }
        // A disabled job was switched off on purpose (the example disables one that deletes a
        // file): running it by hand takes --force. Refused before any store is opened.
        guard definition.isEnabled || force else {
            throw DisabledJobError(job: job, file: path)
        }
        let scheduled: ScheduledJob
        let mutex: DBMutex
        do {
            scheduled = try JobsFileChoice.scheduledJob(definition)
            mutex = try options.mutex(fromFile: file.database, logger: logger)
        } catch {
            logger.configInvalid("Job \"\(job)\" cannot run", error)
            throw ExitCode(1)
        }
        let outcome = await scheduled.job.run(
            using: mutex, ttl: scheduled.ttl, lockID: scheduled.lockID, jobName: scheduled.name
        )
        if case .storeUnavailable(let error) = outcome {
            logger.jobEvent(
                .storeUnavailable, level: .error, "The lock store cannot be reached; the job did not run.",
                [LogKeys.job: .string(scheduled.name), LogKeys.store: .string(mutex.store.description), LogKeys.error: .string("\(error)")]
            )
        }
        throw ExitCode(outcome.exitCode)
    }
}
