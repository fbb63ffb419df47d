import CLibPQ

/// Raw SQL on the test server, for what a store's API does not do (creating a schema).
enum PostgresTestSQL {
    struct Failed: Error, CustomStringConvertible { let description: String }

    /// Runs `sql` on a connection of its own.
    static func run(_ url: String, _ sql: String) throws {
        guard let connection = PQconnectdb(url) else { throw Failed(description: "libpq could not allocate a connection") }
        defer { PQfinish(connection) }
        guard PQstatus(connection) == CONNECTION_OK else {
            throw Failed(description: "connecting failed: \(String(cString: PQerrorMessage(connection)))")
        }
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw Failed(description: "\(sql) failed: \(String(cString: PQerrorMessage(connection)))")
        }
    }
}
