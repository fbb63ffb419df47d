import ArgumentParser
import CLibPQ
import Foundation

/// A bare libpq connection for the baselines: the same protocol path JobKit uses
/// (PQexecParams, text format), with nothing of JobKit's around it.
final class RawPostgres {
    private let connection: OpaquePointer

    init(url: String) throws {
        guard let connection = PQconnectdb(url), PQstatus(connection) == CONNECTION_OK else {
            throw ValidationError("raw libpq connection failed")
        }
        self.connection = connection
    }

    deinit { PQfinish(connection) }

    /// Runs `sql` with text parameters (nil for NULL) and returns column `column` of the
    /// first row.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = [], column: Int32 = 0) throws -> String? {
        let copies = parameters.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { $0.map { free($0) } } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        let result = pointers.withUnsafeBufferPointer { buffer in
            PQexecParams(connection, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            throw ValidationError("query failed: \(String(cString: PQerrorMessage(connection)))")
        }
        guard PQntuples(result) > 0, PQgetisnull(result, 0, column) == 0 else { return nil }
        return String(cString: PQgetvalue(result, 0, column))
    }
}


