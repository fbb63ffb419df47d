import Foundation
import CLibPQ

/// A checked connection string: parsed once by libpq, so a malformed URL fails before any
/// connection attempt, with a message that never holds the password.
struct PostgresConnectionSettings: Sendable {
    /// The server as `postgres://user@host:port/database`, for messages.
    let target: String
    let keywords: [String]
    let values: [String]

    /// Parses `connectionString` (a `postgres://` URL or a libpq keyword string).
    /// `connectTimeout` applies unless the string sets `connect_timeout` itself.
    init(_ connectionString: String, connectTimeout: Duration) throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "libpq could not parse it"
            if let errorMessage { PQfreemem(errorMessage) }
            throw PostgresError(
                code: .invalidConnectionString, context: "reading the database URL",
                target: ConnectionString.redacted(connectionString),
                message: "the URL is malformed: \(message)"
            )
        }
        defer { PQconninfoFree(options) }
        var parsed: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { parsed[String(cString: keyword)] = String(cString: value) }
            option += 1
        }

        var keywords: [String] = []
        var values: [String] = []
        for (keyword, value) in parsed.sorted(by: { $0.key < $1.key }) {
            keywords.append(keyword)
            values.append(value)
        }
        if parsed["connect_timeout"] == nil {
            keywords.append("connect_timeout")
            values.append(String(max(1, connectTimeout.components.seconds)))
        }
        if parsed["application_name"] == nil {
            keywords.append("application_name")
            values.append("jobkit")
        }
        self.keywords = keywords
        self.values = values

        let user = parsed["user"] ?? ProcessInfo.processInfo.environment["PGUSER"] ?? "(default user)"
        let host = parsed["host"] ?? parsed["hostaddr"] ?? "localhost"
        let port = parsed["port"] ?? "5432"
        let database = parsed["dbname"] ?? user
        self.target = "postgres://\(user)@\(host):\(port)/\(database)"
    }
}
