import ArgumentParser
import JobKit

/// `jobkit validate CONFIG`: checks a jobs file and the database URL, without connecting.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a jobs file and the database URL; print every problem. Exit status 0 when both are valid, 1 otherwise.",
        discussion: "The URL checked is the one run would use (--database-url, JOBKIT_DATABASE_URL, the file's \"database\", then the default), and the file's own \"database\" too when another one takes precedence here. Only its form is checked: nothing is opened or connected to."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The jobs file to check.")
    var config: String

    func run() async throws {
        options.bootstrapLogging()
        let file: JobsFile
        do {
            file = try JobsFileChoice.load(config)
        } catch {
            throw InvalidJobsFileError(file: config, problems: error.problems.map(\.description))
        }
        let url = options.storeURL(fromFile: file.database)
        var candidates = [url]
        if let database = file.database, database != url { candidates.insert(database, at: 0) }
        var problems: [String] = []
        for candidate in candidates {
            do {
                try LockStoreURL.checkForm(candidate)
            } catch {
                let source = candidate == file.database ? "its \"database\"" : "the database URL"
                problems.append("\(config): \(source): \(error)")
            }
        }
        guard problems.isEmpty else { throw InvalidJobsFileError(file: config, problems: problems) }
        let enabled = file.enabledJobs.count
        print("\(config): valid, \(counted(file.jobs.count, "job")) (\(enabled) enabled); database URL \(LockStoreURL.redacted(url)) is well-formed (not connected).")
    }
}
