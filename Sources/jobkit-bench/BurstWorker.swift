import ArgumentParser
import JobKit
import JobKitCLI

/// `jobkit run` with the in-process job type of `jobkit-bench burst` added: the processes
/// `burst` starts. Everything after `burst-worker` is `jobkit`'s command line.
struct BurstWorker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "burst-worker",
        abstract: "Runs jobkit's commands with the burst benchmark's in-process job type (started by burst).",
        shouldDisplay: false
    )

    @Argument(parsing: .captureForPassthrough, help: "jobkit's arguments, such as run JOBS-FILE --database-url URL.")
    var arguments: [String] = []

    func run() throws {
        var registry = JobKitCLI.builtInJobs()
        try registry.register(BurstRecordJob.self, as: BurstRecordJob.typeName)
        let arguments = self.arguments
        let registered = registry
        try runBlocking { await JobKitCLI.main(registry: registered, commandName: "jobkit", arguments: arguments) }
    }
}
