/// An error a ``LockStore`` throws, telling retries from dead ends.
///
/// The scheduler retries a store that cannot be reached (the database may come back), but
/// stops at once, with `config.invalid`, on an error no retry can fix, such as a malformed URL.
public protocol LockStoreError: Error {
    /// Whether retrying can never succeed: the store's configuration itself is unusable.
    var isPermanent: Bool { get }
}

extension PostgresError: LockStoreError {
    /// A URL libpq cannot use (malformed, or with an option value it rejects) is permanent.
    public var isPermanent: Bool { code == .invalidConnectionString }
}

extension SQLiteError: LockStoreError {
    /// A file that is not a database, or an unusable configuration, is permanent; a file that
    /// cannot be opened now (a missing directory, permissions) may be fixed while we wait.
    public var isPermanent: Bool { code == .notADatabase || code == .invalidConfiguration }
}
