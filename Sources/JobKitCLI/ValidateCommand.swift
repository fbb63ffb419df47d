import ArgumentParser
import JobKit

/// `jobkit validate CONFIG`: checks a jobs file and prints every problem.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a jobs file; print every problem. Exit status 0 when it is valid, 1 otherwise."
    )

    @Argument(help: "The jobs file to check.")
    var config: String

    func run() async throws {
        do {
            let file = try JobsFileChoice.load(config)
            print("\(config): valid, \(file.jobs.count) jobs (\(file.enabledJobs.count) enabled).")
        } catch {
            print(error)
            throw ExitCode(1)
        }
    }
}
