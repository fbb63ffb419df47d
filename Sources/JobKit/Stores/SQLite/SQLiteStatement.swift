import CSQLite

/// One prepared statement, kept by its ``SQLiteConnection`` and reused for every call.
///
/// Like its connection it is not thread-safe; the connection's owner is its only user.
final class SQLiteStatement {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { sqlite3_finalize(handle) }

    /// Binds `parameters` to `?1`, `?2`, …; returns SQLite's result code.
    func bind(_ parameters: [SQLiteValue]) -> Int32 {
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let number):
                code = sqlite3_bind_int64(handle, index, number)
            case .null:
                code = sqlite3_bind_null(handle, index)
            case .text(let string) where string.isEmpty:
                code = sqlite3_bind_text(handle, index, "", 0, Self.transient)
            case .text(var string):
                // By length, not by C string: the text is kept verbatim.
                code = string.withUTF8 { bytes in
                    sqlite3_bind_text(
                        handle, index, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                        Int32(bytes.count), Self.transient
                    )
                }
            }
            guard code == SQLITE_OK else { return code }
        }
        return SQLITE_OK
    }

    /// Advances to the next row: `SQLITE_ROW`, `SQLITE_DONE`, or an error code.
    func step() -> Int32 { sqlite3_step(handle) }

    /// The values of the current row.
    func row() -> [SQLiteValue] {
        (0..<sqlite3_column_count(handle)).map { column in
            switch sqlite3_column_type(handle, column) {
            case SQLITE_NULL:
                return .null
            case SQLITE_INTEGER:
                return .integer(sqlite3_column_int64(handle, column))
            default:
                guard let bytes = sqlite3_column_text(handle, column) else { return .null }
                let count = Int(sqlite3_column_bytes(handle, column))
                return .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
            }
        }
    }

    /// Makes the statement ready for its next use and drops its bindings.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// `SQLITE_TRANSIENT`: SQLite copies bound text before the call returns.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }
}
