import Foundation
import Logging

/// Picks a store from a URL.
///
/// | URL | Store |
/// | --- | --- |
/// | `postgres://user:password@host:port/database` or `postgresql://…` | ``PostgresLockStore`` |
/// | `sqlite:///absolute/path.sqlite` or `sqlite:/absolute/path.sqlite` | ``SQLiteLockStore`` |
/// | `sqlite:relative/path.sqlite` (from the working directory) | ``SQLiteLockStore`` |
/// | `memory:` | a new, empty ``InMemoryLockStore`` (this process only: for tests) |
///
/// Schemes are case-insensitive. SQLite paths are taken verbatim: no percent-decoding, no
/// `~` expansion, no query options. `sqlite://name` is refused rather than guessed at: in
/// URL syntax `name` is a host, and some tools read `sqlite:///name` as relative while
/// file URLs read it as absolute; write `sqlite:name` for a relative path and
/// `sqlite:///abs/path` for an absolute one. A libpq keyword string (`host=db dbname=jobs`)
/// is not a URL: pass it to ``PostgresLockStore/init(url:configuration:)`` directly.
public enum LockStoreURL {
    /// The environment variable that names the store of ``DBMutex/shared()`` and the scheduler.
    public static let environmentVariable = "JOBKIT_DATABASE_URL"

    /// The embedded default: an SQLite file, `jobkit.sqlite`, in the working directory.
    public static let defaultURL = "sqlite:jobkit.sqlite"

    /// The accepted forms, as error messages list them.
    static let acceptedForms = "postgres://user:password@host:port/database (or postgresql://…), "
        + "sqlite:///absolute/path.sqlite, sqlite:relative/path.sqlite, memory:"

    /// Opens the store `url` names.
    ///
    /// - Throws: ``LockStoreURLError`` when `url` has none of the accepted forms; the store's
    ///   own error (``PostgresError``, ``SQLiteError``) when it cannot be opened.
    /// - Parameter logger: Where a store reports what it does by itself, such as an SQLite
    ///   store opening its path again (``JobEvent/storeReopened``); nil reports nothing.
    public static func makeStore(_ url: String, logger: Logger? = nil) throws -> any LockStore {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            // libpq knows the schemes in lower case only.
            let scheme = trimmed.prefix { $0 != ":" }
            return try PostgresLockStore(url: scheme.lowercased() + trimmed.dropFirst(scheme.count))
        }
        if lower.hasPrefix("sqlite:") {
            var configuration = SQLiteLockStore.Configuration()
            configuration.logger = logger
            return try SQLiteLockStore(path: sqlitePath(trimmed), configuration: configuration)
        }
        if lower == "memory:" {
            return InMemoryLockStore()
        }
        throw LockStoreURLError(url: trimmed)
    }

    /// The URL ``makeDefaultStore(environment:)`` opens: `JOBKIT_DATABASE_URL` when it is set
    /// and not blank, else ``defaultURL``.
    public static func defaultStoreURL(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let url = environment[environmentVariable], !url.trimmingCharacters(in: .whitespaces).isEmpty {
            return url
        }
        return defaultURL
    }

    /// The store named by `JOBKIT_DATABASE_URL`, else the embedded default (``defaultURL``).
    public static func makeDefaultStore(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any LockStore {
        try makeStore(defaultStoreURL(environment: environment))
    }

    /// The file path of an `sqlite:` URL (scheme already checked).
    static func sqlitePath(_ url: String) throws(LockStoreURLError) -> String {
        let rest = url.dropFirst("sqlite:".count)
        let path: Substring
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            guard afterSlashes.isEmpty || afterSlashes.hasPrefix("/") else {
                throw LockStoreURLError(
                    url: url,
                    problem: "what follows sqlite:// is a host, not a path; write sqlite:relative/path for a path "
                        + "relative to the working directory, or sqlite:///absolute/path for an absolute one"
                )
            }
            path = afterSlashes
        } else {
            path = rest
        }
        guard !path.isEmpty, path != "/" else {
            throw LockStoreURLError(url: url, problem: "the URL names no file")
        }
        return String(path)
    }
}
