import ArgumentParser
import Foundation
import JobKit
import Logging

/// The options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The lock store: postgres://user:password@host:port/db, sqlite:path or memory:. Overrides JOBKIT_DATABASE_URL and the jobs file's \"database\".")
    var databaseURL: String?

    @Option(help: "Log format: json (one object per line) or text. Default: text on a terminal, json otherwise.")
    var logFormat: LogFormat?

    @Option(help: "The lowest level logged: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// Sets up swift-log for this process. Call once, first.
    func bootstrapLogging() {
        LoggingSystem.bootstrap(JobKitLogging.factory(format: logFormat ?? .automatic, level: logLevel), metadataProvider: nil)
    }

    /// The store URL by precedence: `--database-url`, `JOBKIT_DATABASE_URL`, the jobs file's
    /// `database`, then the embedded default (an SQLite file in the working directory).
    func storeURL(fromFile fileURL: String?) -> String {
        if let databaseURL { return databaseURL }
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
