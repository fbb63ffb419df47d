import ArgumentParser
import Foundation
import JobKit

/// `jobkit pause JOB [--reason TEXT]`: stops a job on every machine of the fleet.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a job on every machine of the fleet, until `jobkit resume`.",
        discussion: "Kept in the store: no restart, no edit of the jobs file, and it survives restarts. From the next tick, each tick of the job is skipped (job.skipped, reason paused, once per tick for the fleet). A run in progress is not stopped. Exit status: 0 paused, 1 unknown job or store error."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The job's name in the jobs file.")
    var job: String

    @Option(help: "Why, for whoever looks next (at most 500 characters): shown by `jobkit status` and on each skipped tick.")
    var reason: String?

    @Option(help: "Who pauses it, as recorded. Default: user@host.")
    var by: String?

    @Option(help: "The jobs file. Default: jobs.json, or jobs.example.json when there is none.")
    var config: String?

    func validate() throws {
        if let reason {
            do {
                _ = try PauseReason.validated(reason)
            } catch {
                throw ValidationError("--reason: \(error)")
            }
        }
    }

    func run() async throws {
        let target = try ControlTarget(job: job, config: config, options: options)
        let store = target.store
        let (job, reason, who) = (job, reason, ControlTarget.operatorName(by))
        let pause = try await store.pause(job, reason: reason, by: who)
        print(
            "Paused job \"\(job)\" on every machine (by \(pause.pausedBy) at \(pause.pausedAt.jobKitTimestamp))"
                + (pause.reason.map { ": \($0)" } ?? ".") + " Resume it with: jobkit resume \(job)"
        )
    }
}
