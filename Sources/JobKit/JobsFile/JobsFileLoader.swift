import Foundation

/// Reads a jobs file: checks it strictly, reports every problem at once, and resolves each job
/// into a ``JobDefinition``.
///
/// ## Format
/// A JSON object (`jobs.example.json` shows every key):
///
/// | Key | Type | Default | Rule |
/// |---|---|---|---|
/// | `database` | string | none | A store URL; `--database-url` and `JOBKIT_DATABASE_URL` take precedence. Not empty. |
/// | `defaults` | object | none | `ttl`, `jitter`, `grace`, `timezone`, with the rules of the job keys below. |
/// | `jobs` | array of objects | required | May be empty. |
///
/// Each job:
///
/// | Key | Type | Default | Rule |
/// |---|---|---|---|
/// | `name` | string | required | Unique; 1–255 characters, no control characters, no white space at either end. It is the lock id unless `lock` is set. |
/// | `type` | string | required | A name of the catalog's ``JobTypeCatalog/typeNames``. |
/// | `every` | duration | — | Exactly one of `every` and `cron`. More than zero. Ticks at the multiples of the interval since the Unix epoch. |
/// | `cron` | string | — | Five fields or an alias such as `@hourly` (see ``CronExpression``); must fire at least once. |
/// | `timezone` | string | `defaults.timezone`, else `UTC` | Only with `cron`. An IANA name such as `Europe/Berlin`, or `UTC`. |
/// | `ttl` | duration or `"none"` | `defaults.ttl`, else ``LockTTL/default`` | More than zero; `"none"`: the lock never expires. |
/// | `lock` | string | the name | 1–255 characters, no NUL. No two jobs share a lock id. |
/// | `jitter` | duration | `defaults.jitter`, else 0 | Zero or more; for `every`, shorter than the interval. |
/// | `grace` | duration | `defaults.grace`, else 10s | At least 1s. |
/// | `parameters` | object | none | Passed to the job type as JSON, which checks it. |
/// | `enabled` | boolean | `true` | A disabled job is still checked. |
///
/// A duration is a JSON number of seconds (`90`, `0.5`) or a string such as `"90s"`, `"5m"`,
/// `"1h30m"` or `"250ms"` (see ``DurationText``), at most 365 days.
///
/// ## Problems
/// Unknown keys are errors at every level, with a suggestion when one is close
/// (`unknown key "evry"; did you mean "every"?`), so a typo never silently disables a job, and
/// so are duplicate keys. Every problem names the file, its line and column, the job (number
/// and name) and the field; they are reported together in a ``JobsFileError`` (the first
/// ``JobsFileError/problemLimit`` in file order, and a count of the rest).
///
/// Loading takes time linear in the file's size, however hostile the file: positions come from
/// a table of line starts, suggestions are not searched for names far longer than any
/// candidate, and long values are shortened in messages.
public struct JobsFileLoader: Sendable {
    /// The longest duration a jobs file accepts: 365 days.
    public static var longestDuration: Duration { JobsFileValidator.longestDuration }
    /// The shortest grace period a jobs file accepts: 1 second.
    public static var shortestGrace: Duration { JobsFileValidator.shortestGrace }

    /// The job types jobs may name, and the check of their parameters.
    public let catalog: any JobTypeCatalog

    /// Creates a loader that checks types and parameters against `catalog`.
    public init(catalog: any JobTypeCatalog) {
        self.catalog = catalog
    }

    /// Reads and checks the jobs file at `path`.
    ///
    /// - Throws: ``JobsFileError`` with every problem, each naming `path` as given.
    public func load(contentsOf path: String) throws(JobsFileError) -> JobsFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let problem = JobsFileProblem(
                file: path,
                offset: nil,
                locator: nil,
                message: "the file cannot be read: \(Self.readFailure(path: path, error: error))."
            )
            throw JobsFileError(file: path, problems: [problem])
        }
        return try load(data, file: path)
    }

    /// Checks the text of a jobs file.
    ///
    /// - Parameters:
    ///   - data: The file's bytes, UTF-8 JSON.
    ///   - file: How messages name the file, such as `jobs.json`.
    /// - Throws: ``JobsFileError`` with every problem.
    public func load(_ data: Data, file: String) throws(JobsFileError) -> JobsFile {
        let bytes = [UInt8](data)
        let locator = SourceLocator(bytes: bytes)
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes, locator: locator)
        } catch {
            let problem = JobsFileProblem(
                file: file,
                offset: error.offset,
                locator: locator,
                message: "invalid JSON: \(error.message)"
            )
            throw JobsFileError(file: file, problems: [problem])
        }
        var validator = JobsFileValidator(file: file, locator: locator, catalog: catalog)
        guard let jobsFile = validator.validate(root) else {
            throw JobsFileError(file: file, sortedProblems: validator.sortedProblems, locator: locator)
        }
        return jobsFile
    }

    /// Why a file could not be read, in a few words.
    private static func readFailure(path: String, error: any Error) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            return "there is no such file"
        }
        if isDirectory.boolValue {
            return "it is a directory"
        }
        if let cocoa = error as? CocoaError, cocoa.code == .fileReadNoPermission {
            return "permission denied"
        }
        return "\(error)"
    }
}
