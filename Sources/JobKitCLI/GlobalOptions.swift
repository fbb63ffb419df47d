import ArgumentParser
import Foundation
import JobKit
import Logging

/// The options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The lock store: postgres://user:password@host:port/db, a libpq keyword string ('host=… dbname=…'), sqlite:path or memory:. Overrides JOBKIT_DATABASE_URL and the jobs file's \"database\". A password here is visible in ps: prefer --database-url-file, JOBKIT_DATABASE_URL or ~/.pgpass.")
    var databaseURL: String?

    @Option(help: "A file whose first line is the lock store URL, so its password stays off the command line. Overrides JOBKIT_DATABASE_URL and the jobs file's \"database\".")
    var databaseURLFile: String?

    @Option(help: "Log format: json (one object per line) or text. Default: text on a terminal, json otherwise.")
    var logFormat: LogFormat?

    @Option(help: "The lowest level logged: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        if databaseURL != nil, databaseURLFile != nil {
            throw ValidationError("Pass --database-url or --database-url-file, not both.")
        }
        if let path = databaseURLFile, Self.readURL(path) == nil {
            throw ValidationError("--database-url-file \(path): the file cannot be read or its first line is empty.")
        }
        if let url = databaseURL, LockStoreURL.containsPassword(url) {
            printError(
                "jobkit: warning: --database-url holds a password, which every user of this machine can read in ps; "
                    + LockStoreURL.saferPasswordSources + "."
            )
        }
    }

    /// The first line of the file at `path`, trimmed, or nil when it cannot be read or is empty.
    private static func readURL(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let url = line.trimmingCharacters(in: .whitespacesAndNewlines)
        return url.isEmpty ? nil : url
    }

    /// Sets up swift-log for this process. Call once, first.
    func bootstrapLogging() {
        LoggingSystem.bootstrap(JobKitLogging.factory(format: logFormat ?? .automatic, level: logLevel), metadataProvider: nil)
    }

    /// The store URL by precedence: `--database-url` or `--database-url-file`,
    /// `JOBKIT_DATABASE_URL`, the jobs file's `database`, then the embedded default (an SQLite
    /// file in the working directory).
    func storeURL(fromFile fileURL: String?) -> String {
        if let databaseURL { return databaseURL }
        if let path = databaseURLFile, let url = Self.readURL(path) { return url }
        if let url = ProcessInfo.processInfo.environment[LockStoreURL.environmentVariable], !url.isEmpty { return url }
        if let fileURL { return fileURL }
        return LockStoreURL.defaultURL
    }

    /// A mutex on the chosen store, logging through `logger`.
    func mutex(fromFile fileURL: String?, logger: Logger) throws -> DBMutex {
        DBMutex(store: try LockStoreURL.makeStore(storeURL(fromFile: fileURL), logger: logger), logger: logger)
    }
}

extension LogFormat: ExpressibleByArgument {}

extension Logger.Level: @retroactive ExpressibleByArgument {}
