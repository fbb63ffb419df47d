import ArgumentParser
import Foundation
import JobKit

/// `jobkit resume JOB`: ends a pause.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused job on every machine of the fleet.",
        discussion: "Its next tick runs as usual; the ticks skipped while it was paused are not run and not reported as missed. Exit status: 0 resumed or not paused, 1 unknown job or store error."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The job's name in the jobs file.")
    var job: String

    @Option(help: "The jobs file. Default: jobs.json, or jobs.example.json when there is none.")
    var config: String?

    func run() async throws {
        let target = try ControlTarget(job: job, config: config, options: options)
        let store = target.store
        let job = job
        if let ended = try await store.resume(job) {
            print(
                "Resumed job \"\(job)\" (paused by \(ended.pausedBy) at \(ended.pausedAt.jobKitTimestamp)"
                    + (ended.reason.map { ": \($0)" } ?? "") + ")."
            )
        } else {
            print("Job \"\(job)\" was not paused.")
        }
    }
}
