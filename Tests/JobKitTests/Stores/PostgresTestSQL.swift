import Foundation
import CLibPQ

/// Raw SQL on the test server, for what a store's API does not do (creating a schema).
enum PostgresTestSQL {
    struct Failed: Error, CustomStringConvertible { let description: String }

    /// Runs `sql` on a connection of its own, with text `parameters` (`$1`, `$2`, …) if any.
    static func run(_ url: String, _ sql: String, _ parameters: [String] = []) throws {
        _ = try rows(url, sql, parameters)
    }

    /// Runs `sql` (a script without parameters, or one query) on a connection of its own and
    /// returns the rows of its last result, as text (`nil` for NULL).
    static func rows(_ url: String, _ sql: String, _ parameters: [String] = []) throws -> [[String?]] {
        guard let connection = PQconnectdb(url) else { throw Failed(description: "libpq could not allocate a connection") }
        defer { PQfinish(connection) }
        guard PQstatus(connection) == CONNECTION_OK else {
            throw Failed(description: "connecting failed: \(String(cString: PQerrorMessage(connection)))")
        }
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = PQexec(connection, sql)
        } else {
            let copies = parameters.map { strdup($0) }
            defer { copies.forEach { free($0) } }
            let pointers = copies.map { UnsafePointer<CChar>($0) }
            result = PQexecParams(connection, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw Failed(description: "\(sql) failed: \(String(cString: PQerrorMessage(connection)))")
        }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// The first column of the first row of `sql`.
    static func value(_ url: String, _ sql: String, _ parameters: [String] = []) throws -> String? {
        try rows(url, sql, parameters).first?.first ?? nil
    }
}
