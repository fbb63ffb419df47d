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

    /// The integer in a column, or `nil` for SQL NULL; read from libpq's text without making
    /// a `String` of it (a batch answer holds a dozen per claim).
    func int64(_ row: Int, _ column: Int) throws(PostgresError) -> Int64? {
        guard row < rowCount, column < Int(PQnfields(handle)), !isNull(row, column) else { return nil }
        let text = PQgetvalue(handle, Int32(row), Int32(column))!
        guard let value = Self.decimal(text) else {
            throw unexpected("column \(column) holds \"\(String(cString: text))\", not an integer")
        }
        return value
    }

    /// The value of a NUL-terminated decimal integer (an optional `-` and digits, as
    /// PostgreSQL prints a `bigint`), or `nil` when it is not one or does not fit.
    static func decimal(_ text: UnsafePointer<CChar>) -> Int64? {
        var index = 0
        let negative = text[0] == CChar(UInt8(ascii: "-"))
        if negative { index = 1 }
        var magnitude: UInt64 = 0
        let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        repeat {
            let byte = UInt8(bitPattern: text[index])
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflowTimes) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum, sum <= limit else { return nil }
            magnitude = sum
            index += 1
        } while text[index] != 0
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
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
