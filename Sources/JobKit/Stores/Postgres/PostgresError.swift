import Foundation

/// A PostgreSQL operation that failed: connecting, or running a statement.
///
/// It carries what was being done, the server (never with its password), and, when the
/// server answered, its SQLSTATE code and message.
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidConnectionString, connectionFailed, connectionLost, server, unexpectedResult
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The connection string or URL could not be parsed.
        public static let invalidConnectionString = Code(.invalidConnectionString)
        /// A connection could not be opened (refused, unreachable, timed out, bad credentials).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke while a statement was running.
        public static let connectionLost = Code(.connectionLost)
        /// The server refused or failed the statement; see ``PostgresError/sqlState``.
        public static let server = Code(.server)
        /// The server's answer did not have the expected shape.
        public static let unexpectedResult = Code(.unexpectedResult)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// What was being done, e.g. `acquiring lock "report"`.
    public let context: String
    /// The server, as `postgres://user@host:port/database`, without the password.
    public let target: String
    /// The SQLSTATE code the server sent, if any (e.g. `28P01` for a wrong password).
    public let sqlState: String?
    /// The server's or libpq's message, with any password removed.
    public let message: String

    init(code: Code, context: String, target: String, sqlState: String? = nil, message: String) {
        self.code = code
        self.context = context
        self.target = target
        self.sqlState = sqlState
        self.message = ConnectionString.redacted(
            message.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " ")
        )
    }

    /// Whether the failure says the database cannot be reached now (as opposed to a
    /// statement the server refused).
    public var isConnectionFailure: Bool {
        code == .connectionFailed || code == .connectionLost
            || (sqlState.map { $0.hasPrefix("08") || $0.hasPrefix("57P") } ?? false)
    }

    public var description: String {
        var text = "PostgreSQL error while \(context) on \(target): \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        return text
    }
}
