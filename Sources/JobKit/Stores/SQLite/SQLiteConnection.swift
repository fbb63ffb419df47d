import CSQLite
import Foundation

/// One SQLite connection with its prepared statements.
///
/// It is not thread-safe (it is opened with `SQLITE_OPEN_NOMUTEX`): ``SQLiteLockStore``
/// keeps it inside a `Mutex`, so one thread at a time uses it.
final class SQLiteConnection {
    /// The database file, as an absolute path.
    let path: String
    private let handle: OpaquePointer
    private let busyTimeout: Duration
    private var statements: [String: SQLiteStatement] = [:]

    private init(handle: OpaquePointer, path: String, busyTimeout: Duration) {
        self.handle = handle
        self.path = path
        self.busyTimeout = busyTimeout
    }

    deinit {
        statements.removeAll()   // finalized before the connection closes
        sqlite3_close_v2(handle)
    }

    /// Opens `path` for reading and writing (creating the file if needed), checks that it is
    /// an SQLite database, and switches it to WAL mode.
    ///
    /// - Parameters:
    ///   - busyTimeout: how long a statement waits for other connections' locks.
    ///   - creating: whether a missing file is created and the file switched to WAL mode;
    ///     without it, the file must exist and is used as it is.
    static func open(path: String, busyTimeout: Duration, creating: Bool = true) throws(SQLiteError) -> SQLiteConnection {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (creating ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let handle = opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite could not allocate a connection"
            let systemError = opened.map { sqlite3_system_errno($0) } ?? 0
            sqlite3_close_v2(opened)
            throw SQLiteError(
                code: .cannotOpen, path: path, context: "opening", resultCode: code,
                message: Self.diagnoseOpenFailure(path: path, message: message, systemError: systemError)
            )
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(clamping: busyTimeout.jobKitMilliseconds))
        let connection = SQLiteConnection(handle: handle, path: path, busyTimeout: busyTimeout)

        // SQLite opens lazily: the first read is what finds a directory or a file that is
        // not a database.
        _ = try connection.execute("SELECT count(*) FROM sqlite_master", cached: false, context: "opening")
        if sqlite3_db_readonly(handle, "main") == 1 {
            throw SQLiteError(
                code: .cannotOpen, path: path, context: "opening",
                message: "permission denied: the file can only be read by this process, and locks must be written."
            )
        }
        // A store opened without creating is taken as it is: a JobKit file is in WAL mode
        // already, and any other file must not be altered by a read-only command.
        guard creating else { return connection }
        // WAL lets readers and the one writer proceed together, and is persistent in the file.
        let mode = try connection.execute("PRAGMA journal_mode = WAL", cached: false, context: "switching to WAL mode")
        guard mode.first?.first?.text?.lowercased() == "wal" else {
            throw SQLiteError(
                code: .statementFailed, path: path, context: "switching to WAL mode",
                message: "SQLite kept journal mode \(mode.first?.first?.text ?? "unknown") instead of WAL."
            )
        }
        // Safe with WAL: a power loss may undo the last commits, never corrupt the file,
        // and it takes down every holder of this machine's locks along with them.
        _ = try connection.execute("PRAGMA synchronous = NORMAL", cached: false, context: "opening")
        // Keep the WAL small: checkpoint every few pages rather than every 4 MB, and cut the
        // file back to the limit after each checkpoint, so the store fits a small volume.
        _ = try connection.execute(
            "PRAGMA wal_autocheckpoint = \(walCheckpointPages)", cached: false, context: "opening"
        )
        _ = try connection.execute(
            "PRAGMA journal_size_limit = \(walSizeLimit)", cached: false, context: "opening"
        )
        return connection
    }

    /// How many pages the WAL may hold before a commit checkpoints it into the database.
    static let walCheckpointPages = 32
    /// The bytes the WAL file is cut back to after a checkpoint: 128 KiB.
    static let walSizeLimit = 131_072

    /// Whether the file this connection has open is no longer the file at ``path``: it was
    /// deleted, moved away, or replaced by another file. SQLite compares the inode it opened
    /// with the one at the path (one `stat`).
    var fileHasMoved: Bool {
        var moved: Int32 = 0
        let code = sqlite3_file_control(handle, "main", SQLITE_FCNTL_HAS_MOVED, &moved)
        return code == SQLITE_OK && moved != 0
    }

    /// Checkpoints the whole WAL into the database and truncates it to zero bytes, if no
    /// other connection is reading; best effort, after the volume filled up.
    func truncateWAL() {
        sqlite3_wal_checkpoint_v2(handle, "main", SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
    }

    /// Runs one statement with `parameters` and returns its rows. The statement is prepared
    /// once and kept for the connection's life unless `cached` is `false`.
    @discardableResult
    func execute(
        _ sql: String, _ parameters: [SQLiteValue] = [], cached: Bool = true, context: @autoclosure () -> String
    ) throws(SQLiteError) -> [[SQLiteValue]] {
        let statement = try prepare(sql, cached: cached, context: context())
        defer { statement.reset() }
        let bound = statement.bind(parameters)
        guard bound == SQLITE_OK else { throw error(bound, context: context()) }
        var rows: [[SQLiteValue]] = []
        while true {
            switch statement.step() {
            case SQLITE_ROW:
                rows.append(statement.row())
            case SQLITE_DONE:
                return rows
            case let code:
                throw error(code, context: context())
            }
        }
    }

    /// Runs `body` in one transaction: `BEGIN IMMEDIATE` takes the write lock up front (waiting
    /// up to the busy timeout), so the row read and the row written are one atomic step for
    /// every process sharing the file. Rolls back when `body` throws.
    func transaction<T>(
        immediate: Bool = true, context: @autoclosure () -> String, _ body: () throws(SQLiteError) -> T
    ) throws(SQLiteError) -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN", context: context())
        do {
            let value = try body()
            try execute("COMMIT", context: context())
            return value
        } catch {
            if sqlite3_get_autocommit(handle) == 0 {
                sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            }
            throw error
        }
    }

    private func prepare(_ sql: String, cached: Bool, context: @autoclosure () -> String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = statements[sql] { return statement }
        var prepared: OpaquePointer?
        let flags = cached ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sqlite3_prepare_v3(handle, sql, -1, flags, &prepared, nil)
        guard code == SQLITE_OK, let prepared else { throw error(code, context: context()) }
        let statement = SQLiteStatement(prepared)
        if cached { statements[sql] = statement }
        return statement
    }

    private func error(_ code: Int32, context: String) -> SQLiteError {
        let message = String(cString: sqlite3_errmsg(handle))
        switch code & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return SQLiteError(
                code: .busy, path: path, context: context, resultCode: code,
                message: "\(message): other connections kept it locked for more than \(busyTimeout.jobKitSeconds) s."
            )
        case SQLITE_FULL:
            return SQLiteError(
                code: .volumeFull, path: path, context: context, resultCode: code,
                message: "\(message): the volume holding the database is full; the store works again "
                    + "on its next operation once space is freed."
            )
        case SQLITE_NOTADB:
            return SQLiteError(
                code: .notADatabase, path: path, context: context, resultCode: code,
                message: "the file is not an SQLite database (\(message)); is the path right?"
            )
        case SQLITE_CANTOPEN:
            return SQLiteError(
                code: .cannotOpen, path: path, context: context, resultCode: code,
                message: Self.diagnoseOpenFailure(path: path, message: message, systemError: sqlite3_system_errno(handle))
            )
        default:
            return SQLiteError(code: .statementFailed, path: path, context: context, resultCode: code, message: message)
        }
    }

    /// Says in words why `path` could not be opened: SQLite only says "unable to open".
    private static func diagnoseOpenFailure(path: String, message: String, systemError: Int32) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            return "its directory \"\(directory)\" does not exist."
        }
        if !isDirectory.boolValue {
            return "\"\(directory)\" is not a directory."
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return "it is a directory, not a file." }
            var text = message
            if systemError != 0 { text += " (\(String(cString: strerror(systemError))))" }
            return text + "; check that this process may read and write the file and its directory."
        }
        // SQLite's last errno is from its read-only retry, so ask the directory itself.
        let reason = access(directory, W_OK) == 0 ? message : String(cString: strerror(errno))
        return "the file does not exist and could not be created in \"\(directory)\" (\(reason)); "
            + "check that this process may create files there."
    }
}
