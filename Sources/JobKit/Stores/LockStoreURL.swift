import Foundation

/// Picks a store from a URL.
///
/// - `postgres://…` or `postgresql://…` (or a libpq keyword string such as
///   `host=db dbname=jobs`) → ``PostgresLockStore``.
public enum LockStoreURL {
    /// The environment variable that names the store of ``DBMutex/shared()`` and the scheduler.
    public static let environmentVariable = "JOBKIT_DATABASE_URL"

    /// Opens the store `url` names.
    public static func makeStore(_ url: String) throws -> any LockStore {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            return try PostgresLockStore(url: trimmed)
        }
        throw LockStoreURLError(url: trimmed)
    }

    /// The store named by `JOBKIT_DATABASE_URL`, else the embedded default.
    public static func makeDefaultStore(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any LockStore {
        if let url = environment[environmentVariable], !url.isEmpty {
            return try makeStore(url)
        }
        throw LockStoreURLError(url: "")
    }
}

/// A store URL of no accepted form.
public struct LockStoreURLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL as given, with any password replaced by `***`.
    public let url: String

    init(url: String) { self.url = ConnectionString.redacted(url) }

    public var description: String {
        "Unsupported database URL \"\(url)\". Accepted forms: postgres://user:password@host:port/database "
            + "(or postgresql://…)."
    }
}
