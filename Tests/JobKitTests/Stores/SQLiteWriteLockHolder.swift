import CSQLite

/// A raw connection that takes an SQLite file's write lock and keeps it until released:
/// the part of another process that holds the file busy.
final class SQLiteWriteLockHolder {
    private var handle: OpaquePointer?

    struct Failed: Error, CustomStringConvertible { let description: String }

    init(path: String) throws {
        guard sqlite3_open(path, &handle) == SQLITE_OK,
              sqlite3_exec(handle, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK
        else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection"
            sqlite3_close(handle)
            throw Failed(description: "could not take the write lock of \(path): \(message)")
        }
    }

    func release() {
        sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
        sqlite3_close(handle)
        handle = nil
    }
}
