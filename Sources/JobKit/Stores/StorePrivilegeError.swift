/// The role lacks privileges that runs need on a store's schema (see the README's
/// least-privilege role): found when the store is brought up to date, before any job runs.
///
/// No retry fixes this, so the scheduler stops at start with `config.invalid`, cause
/// `permission denied`, naming each missing privilege.
public struct StorePrivilegeError: Error, Sendable, Hashable, CustomStringConvertible, LockStoreError {
    /// The lock table, as configured.
    public let table: String
    /// Each missing privilege and its object, as `INSERT on "jobkit_locks_runs"`.
    public let missing: [String]

    /// Creates an error.
    public init(table: String, missing: [String]) {
        self.table = table
        self.missing = missing
    }

    /// Always `true`: only a grant fixes it.
    public var isPermanent: Bool { true }

    /// `permission denied`.
    public var permanentCause: String? { "permission denied" }

    public var description: String {
        "This role lacks privileges that runs need on the JobKit schema for table \(table): "
            + missing.joined(separator: ", ")
            + ". Grant them as the README's least-privilege role lists them."
    }
}
