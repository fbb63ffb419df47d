import Foundation
import Logging

/// Picks a store from a URL.
///
/// | URL | Store |
/// | --- | --- |
/// | `postgres://user:password@host:port/database` or `postgresql://…` | ``PostgresLockStore`` |
/// | a libpq keyword string: `host=db.internal dbname=jobs user=jobs` | ``PostgresLockStore`` |
/// | `django+postgres://user:password@host:port/database` (or `django+postgresql://…`, or `django+postgres:` and a libpq keyword string) | ``DjangoLockStore``, on django-db-mutex's own table |
/// | `sqlite:///absolute/path.sqlite` or `sqlite:/absolute/path.sqlite` | ``SQLiteLockStore`` |
/// | `sqlite:relative/path.sqlite` (from the working directory) | ``SQLiteLockStore`` |
/// | `memory:` | a new, empty ``InMemoryLockStore`` (this process only: for tests) |
///
/// Schemes are case-insensitive. SQLite paths are taken verbatim: no percent-decoding, no
/// `~` expansion, no query options. `sqlite://name` is refused rather than guessed at: in
/// URL syntax `name` is a host, and some tools read `sqlite:///name` as relative while
/// file URLs read it as absolute; write `sqlite:name` for a relative path and
/// `sqlite:///abs/path` for an absolute one. A string that starts with `keyword=` (letters and
/// underscores, then `=`) is read as a libpq keyword string, as `psql` reads it.
public enum LockStoreURL {
    /// The environment variable that names the store of ``DBMutex/shared()`` and the scheduler.
    public static let environmentVariable = "JOBKIT_DATABASE_URL"

    /// The embedded default: an SQLite file, `jobkit.sqlite`, in the working directory.
    public static let defaultURL = "sqlite:jobkit.sqlite"

    /// The accepted forms, as error messages list them.
    static let acceptedForms = "postgres://user:password@host:port/database (or postgresql://…), "
        + "a libpq keyword string (host=… dbname=…), "
        + "django+postgres://user:password@host:port/database (django-db-mutex's table), "
        + "sqlite:///absolute/path.sqlite, sqlite:relative/path.sqlite, memory:"

    /// The store a URL names, once its form is checked.
    private enum Kind {
        case postgres(String)
        case django(String)
        case sqlite(path: String)
        case memory
    }

    /// Opens the store `url` names.
    ///
    /// - Parameter opening: whether a missing SQLite file or lock schema is created
    ///   (``LockStoreOpening/creatingIfMissing``, the default) or is an error
    ///   (``LockStoreOpening/existingOnly``: then the store is checked now, which for
    ///   PostgreSQL means connecting).
    /// - Throws: ``LockStoreURLError`` when `url` has none of the accepted forms; the store's
    ///   own error (``PostgresError``, ``SQLiteError``) when it cannot be opened;
    ///   ``LockStoreNotFoundError`` for a missing store opened with
    ///   ``LockStoreOpening/existingOnly``.
    /// - Parameter logger: Where a store reports what it does by itself, such as an SQLite
    ///   store opening its path again (``JobEvent/storeReopened``); nil reports nothing.
    public static func makeStore(
        _ url: String, opening: LockStoreOpening = .creatingIfMissing, logger: Logger? = nil
    ) throws -> any LockStore {
        switch try kind(of: url) {
        case .postgres(let connectionString):
            var configuration = PostgresLockStore.Configuration()
            configuration.migratesAutomatically = opening == .creatingIfMissing
            let store = try PostgresLockStore(url: connectionString, configuration: configuration)
            if opening == .existingOnly, try !store.schemaExists() {
                throw LockStoreNotFoundError(store: store.description, missing: .table(store.table.description))
            }
            return store
        case .django(let url):
            // Never creates anything in either mode: Django's migration owns the table.
            return try DjangoLockStore(url: url)
        case .sqlite(let path):
            var configuration = SQLiteLockStore.Configuration()
            configuration.logger = logger
            guard opening == .existingOnly else { return try SQLiteLockStore(path: path, configuration: configuration) }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: absolute) else {
                throw LockStoreNotFoundError(store: "sqlite:\(absolute)", missing: .file(path: absolute))
            }
            configuration.migratesAutomatically = false
            configuration.createsFile = false
            let store = try SQLiteLockStore(path: absolute, configuration: configuration)
            guard try store.schemaExists() else {
                throw LockStoreNotFoundError(store: store.description, missing: .table(store.table.description))
            }
            return store
        case .memory:
            return InMemoryLockStore()
        }
    }

    /// `url` with any password replaced by `***`, for messages: the `user:password@` part of a
    /// URL and a `password=` keyword or query parameter.
    public static func redacted(_ url: String) -> String {
        ConnectionString.redacted(url)
    }

    /// Checks that `url` has an accepted form, without opening or connecting to anything:
    /// what `jobkit validate` reports. A PostgreSQL URL or keyword string is parsed by libpq.
    ///
    /// - Throws: ``LockStoreURLError`` when `url` has none of the accepted forms;
    ///   ``PostgresError`` when libpq cannot parse it.
    public static func checkForm(_ url: String) throws {
        // Both parse the string with libpq; they connect only at the first operation, never here.
        switch try kind(of: url) {
        case .postgres(let connectionString): _ = try PostgresLockStore(url: connectionString)
        case .django(let url): _ = try DjangoLockStore(url: url)
        case .sqlite, .memory: break
        }
    }

    /// Which store `url` names, its form checked.
    private static func kind(of url: String) throws -> Kind {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            // libpq knows the schemes in lower case only.
            let scheme = trimmed.prefix { $0 != ":" }
            return .postgres(scheme.lowercased() + trimmed.dropFirst(scheme.count))
        }
        if lower.hasPrefix("django+postgres:") || lower.hasPrefix("django+postgresql:") {
            return .django(trimmed)
        }
        if lower.hasPrefix("sqlite:") {
            return .sqlite(path: try sqlitePath(trimmed))
        }
        if lower == "memory:" {
            return .memory
        }
        if isKeywordString(trimmed) {
            return .postgres(trimmed)
        }
        throw LockStoreURLError(url: trimmed)
    }

    /// Whether `text` reads as a libpq keyword string: it starts with a keyword (letters and
    /// underscores) followed by `=`, possibly after spaces.
    static func isKeywordString(_ text: String) -> Bool {
        let keyword = text.prefix { $0.isASCII && ($0.isLetter || $0 == "_") }
        guard !keyword.isEmpty else { return false }
        return text.dropFirst(keyword.count).drop { $0 == " " || $0 == "\t" }.first == "="
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
