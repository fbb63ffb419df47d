/// An SQLite operation that failed: opening the lock file, or running a statement.
///
/// It names the file and what was being done, with SQLite's own message and result code.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case cannotOpen, notADatabase, busy, invalidConfiguration, statementFailed, volumeFull
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be opened for reading and writing: its directory is missing, it
        /// is a directory, or permissions forbid it.
        public static let cannotOpen = Code(.cannotOpen)
        /// The file exists but is not an SQLite database.
        public static let notADatabase = Code(.notADatabase)
        /// Other connections kept the database locked for longer than the busy timeout.
        public static let busy = Code(.busy)
        /// The volume holding the database (or its WAL) is full. An outage, not a lasting
        /// failure: the next operation after space returns succeeds.
        public static let volumeFull = Code(.volumeFull)
        /// The store's configuration cannot work with SQLite (e.g. a schema-qualified table).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// SQLite refused or failed a statement; see ``SQLiteError/resultCode``.
        public static let statementFailed = Code(.statementFailed)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// The database file, as an absolute path.
    public let path: String
    /// What was being done, e.g. `acquiring lock "report"`.
    public let context: String
    /// SQLite's extended result code, when SQLite reported one (e.g. 14 for `SQLITE_CANTOPEN`).
    public let resultCode: Int32?
    /// What went wrong, as SQLite (or the file system) said it.
    public let message: String

    init(code: Code, path: String, context: String, resultCode: Int32? = nil, message: String) {
        self.code = code
        self.path = path
        self.context = context
        self.resultCode = resultCode
        self.message = message
    }

    public var description: String {
        var text: String
        switch code {
        case .cannotOpen, .notADatabase:
            text = "Cannot open the SQLite lock store at \"\(path)\": \(message)"
        default:
            text = "SQLite error while \(context) in \"\(path)\": \(message)"
        }
        if let resultCode { text += " (SQLite result code \(resultCode))" }
        return text
    }
}
