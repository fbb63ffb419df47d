import CSQLite

/// Raw SQL on an SQLite file, for what a store's API does not do (deleting a row by hand).
enum SQLiteTestSQL {
    struct Failed: Error, CustomStringConvertible { let description: String }

    /// Runs `sql` with text `parameters` (`?1`, `?2`, …) on a connection of its own.
    static func run(_ path: String, _ sql: String, _ parameters: [String] = []) throws {
        var handle: OpaquePointer?
        defer { sqlite3_close(handle) }
        guard sqlite3_open(path, &handle) == SQLITE_OK else {
            throw Failed(description: "could not open \(path): \(handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection")")
        }
        sqlite3_busy_timeout(handle, 5000)
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw Failed(description: "\(sql) failed to prepare: \(String(cString: sqlite3_errmsg(handle)))")
        }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, parameter) in parameters.enumerated() {
            sqlite3_bind_text(statement, Int32(index + 1), parameter, -1, transient)
        }
        var code = sqlite3_step(statement)
        while code == SQLITE_ROW { code = sqlite3_step(statement) }
        guard code == SQLITE_DONE else {
            throw Failed(description: "\(sql) failed: \(String(cString: sqlite3_errmsg(handle)))")
        }
    }
}
