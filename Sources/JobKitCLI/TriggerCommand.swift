import ArgumentParser
import Foundation
import JobKit

/// `jobkit trigger JOB [--wait]`: asks the running fleet for one extra run of a job.
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "Ask the running fleet for one extra run of a job, as soon as possible.",
        discussion: "Exactly one machine runs it, through the job's lock (never next to a running one); the ledger records it as a manual run. Returns once a scheduler has picked the request up, or with --wait once the run has ended. Exit status: 0 picked up (with --wait: succeeded), 1 failed (or unknown job, disabled job, store error), 3 overran its TTL, 5 no running scheduler picked it up within --pickup-timeout (the request is withdrawn)."
    )

    /// The exit status when no scheduler picked the request up.
    static let notPickedUp: Int32 = 5

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The job's name in the jobs file.")
    var job: String

    @Flag(help: "Wait until the run has ended; exit with its outcome, like `jobkit once`.")
    var wait = false

    @Option(help: "How long to wait, in seconds, for a running scheduler to pick the request up before withdrawing it.")
    var pickupTimeout: Double = 10

    @Option(help: "Who asks, as recorded. Default: user@host.")
    var by: String?

    @Option(help: "The jobs file. Default: jobs.json, or jobs.example.json when there is none.")
    var config: String?

    func validate() throws {
        guard pickupTimeout > 0 else { throw ValidationError("--pickup-timeout must be positive.") }
    }

    func run() async throws {
        let target = try ControlTarget(job: job, config: config, options: options)
        guard target.definition.isEnabled else {
            printError("jobkit: job \"\(job)\" is disabled in \(target.path) (\"enabled\": false), so no scheduler runs it; use `jobkit once \(job) --force` to run it here.")
            throw ExitCode(1)
        }
        let store = target.store
        let request = try await store.requestTrigger(job, by: ControlTarget.operatorName(by))
        guard let picked = try await pickedUp(request, store) else {
            printError(
                "jobkit: no running scheduler picked up trigger \(request.id) of job \"\(job)\" within \(pickupTimeout) s, "
                    + "so it was withdrawn. Is `jobkit run` running with this job, on the same store?"
            )
            throw ExitCode(Self.notPickedUp)
        }
        guard wait else {
            print("Trigger \(request.id) of job \"\(job)\" was picked up by \(picked.claimedBy ?? picked.seenBy ?? "a scheduler").")
            return
        }
        let run = try await ended(request, store)
        let duration = run.durationMilliseconds.map { " in \($0) ms" } ?? ""
        print("Trigger \(request.id) of job \"\(job)\" ran on \(run.owner) (token \(run.token)): \(run.outcome)\(duration).")
        if let error = run.error { print(error) }
        throw ExitCode(Self.exitCode(run.outcome))
    }

    /// The request once a scheduler has seen or claimed it, or `nil` when none did within the
    /// timeout (it is then withdrawn; a claim that comes in meanwhile still counts).
    private func pickedUp(_ request: TriggerRequest, _ store: any LockStore) async throws -> TriggerRequest? {
        let deadline = Date().addingTimeInterval(pickupTimeout)
        while true {
            if let current = try await store.triggerRequest(request.id), current.seenBy != nil || current.claimedBy != nil {
                return current
            }
            if Date() >= deadline {
                if try await store.withdrawTrigger(request.id) { return nil }
                return try await store.triggerRequest(request.id)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The run that answered `request`, once it has ended.
    private func ended(_ request: TriggerRequest, _ store: any LockStore) async throws -> RunRecord {
        let job = request.job
        while true {
            if let token = try await store.triggerRequest(request.id)?.token,
               let run = try store.runs(of: job, limit: JobStatusReport.runsRead).first(where: { $0.token == token }),
               run.endedAt != nil {
                return run
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// `jobkit once`'s exit codes, from the ledger's outcome.
    static func exitCode(_ outcome: RunOutcome) -> Int32 {
        switch outcome {
        case .succeeded: 0
        case .overran: 3
        default: 1
        }
    }
}
