/// An error a ``LockStore`` throws, telling retries from dead ends.
///
/// The scheduler retries a store that cannot be reached (the database may come back). An
/// error no retry can fix (a malformed URL, a wrong password, a certificate that does not
/// verify, a missing permission or schema) needs a person: at start-up the scheduler stops
/// with `config.invalid` naming the cause, so a service manager shows the failure; during a
/// run it reports `store.unavailable` with `permanent: true` and the cause, and keeps
/// retrying, since the person may fix it without a restart.
public protocol LockStoreError: Error {
    /// Whether retrying can never succeed until a person changes something.
    var isPermanent: Bool { get }
    /// What a person must fix, in a few words (`authentication failed`), when
    /// ``isPermanent``; nil otherwise.
    var permanentCause: String? { get }
}

extension LockStoreError {
    /// `the store's configuration is unusable` when ``isPermanent``, else nil.
    public var permanentCause: String? { isPermanent ? "the store's configuration is unusable" : nil }
}

extension PostgresError: LockStoreError {
    /// Permanent: a URL libpq cannot use, failed authentication, a server certificate that
    /// does not verify, a missing database, permission denied, and a missing schema, table or
    /// function (a role that may not create them).
    public var isPermanent: Bool { permanentCause != nil }

    /// What is wrong, when no retry can fix it.
    public var permanentCause: String? {
        if code == .invalidConnectionString { return "the database URL is malformed" }
        switch sqlState {
        case "28P01", "28000": return "authentication failed"
        case "3D000": return "the database does not exist"
        case "42501": return "permission denied"
        case "3F000", "42P01", "42883":
            return "the lock table or its functions are missing; run jobkit migrate"
        default: break
        }
        guard code == .connectionFailed else { return nil }
        let tlsFailures = [
            "certificate verify failed", "does not match host name", "root certificate file",
            "SSL is not enabled on the server", "server does not support SSL",
        ]
        if tlsFailures.contains(where: message.contains) { return "TLS verification failed" }
        return nil
    }
}

extension SQLiteError: LockStoreError {
    /// A file that is not a database, or an unusable configuration, is permanent; a file that
    /// cannot be opened now (a missing directory, permissions) may be fixed while we wait.
    public var isPermanent: Bool { code == .notADatabase || code == .invalidConfiguration }
}
