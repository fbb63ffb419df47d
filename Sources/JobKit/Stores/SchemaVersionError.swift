/// A store's schema is missing or older than this JobKit needs, and the store may not (or was
/// told not to) bring it up to date.
///
/// A role without the right to create tables and functions cannot migrate: an operator runs
/// `jobkit migrate` once with a role that can, and the least-privileged role then uses the
/// schema. No retry fixes this, so the scheduler stops with `config.invalid`.
public struct SchemaVersionError: Error, Sendable, Hashable, CustomStringConvertible, LockStoreError {
    /// The lock table, as configured.
    public let table: String
    /// The version recorded in the database: 0 when there is no schema at all, 1 for a schema
    /// created before versions were recorded.
    public let found: Int
    /// The version this JobKit needs.
    public let required: Int
    /// Why the store did not migrate itself (the database's refusal), if it tried.
    public let cause: String?

    /// Creates an error.
    public init(table: String, found: Int, required: Int, cause: String?) {
        self.table = table
        self.found = found
        self.required = required
        self.cause = cause
    }

    /// Always `true`: only a migration by a privileged role fixes it.
    public var isPermanent: Bool { true }

    public var description: String {
        let state = found == 0
            ? "There is no JobKit schema for table \(table)"
            : "The JobKit schema for table \(table) is at version \(found), and this JobKit needs version \(required)"
        var text = state + ". Run `jobkit migrate` once with a role that may create tables and functions"
        if let cause { text += " (this one may not: \(cause))" }
        return text + "."
    }
}
