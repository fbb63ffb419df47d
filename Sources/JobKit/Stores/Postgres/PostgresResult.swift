import CLibPQ

/// The rows of one statement's answer, read by column name or index. Frees the libpq result
/// when it goes away.
final class PostgresResult {
    private let handle: OpaquePointer
    private let context: String
    private let target: String

    init(_ handle: OpaquePointer, context: String, target: String) {
        self.handle = handle
        self.context = context
        self.target = target
    }

    deinit { PQclear(handle) }

    var rowCount: Int { Int(PQntuples(handle)) }

    func isNull(_ row: Int, _ column: Int) -> Bool {
        PQgetisnull(handle, Int32(row), Int32(column)) == 1
    }

    /// The text of a column, or `nil` for SQL NULL.
    func string(_ row: Int, _ column: Int) -> String? {
        guard row < rowCount, column < Int(PQnfields(handle)), !isNull(row, column) else { return nil }
        return String(cString: PQgetvalue(handle, Int32(row), Int32(column)))
    }

    func requiredString(_ row: Int, _ column: Int) throws(PostgresError) -> String {
        guard let value = string(row, column) else { throw unexpected("column \(column) is NULL") }
        return value
    }

    func int64(_ row: Int, _ column: Int) throws(PostgresError) -> Int64? {
        guard let text = string(row, column) else { return nil }
        guard let value = Int64(text) else { throw unexpected("column \(column) holds \"\(text)\", not an integer") }
        return value
    }

    func requiredInt64(_ row: Int, _ column: Int) throws(PostgresError) -> Int64 {
        guard let value = try int64(row, column) else { throw unexpected("column \(column) is NULL") }
        return value
    }

    func bool(_ row: Int, _ column: Int) throws(PostgresError) -> Bool? {
        switch string(row, column) {
        case nil: return nil
        case "t": return true
        case "f": return false
        case let other?: throw unexpected("column \(column) holds \"\(other)\", not a boolean")
        }
    }

    func unexpected(_ detail: String) -> PostgresError {
        PostgresError(code: .unexpectedResult, context: context, target: target, message: detail)
    }
}
