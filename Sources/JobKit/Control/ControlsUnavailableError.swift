/// The store keeps no control state (pause, resume, trigger): django-db-mutex's table has
/// no place for it. Use PostgreSQL, SQLite or the memory store.
public struct ControlsUnavailableError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The store, as it describes itself.
    public let store: String

    /// Creates the error.
    public init(store: String) {
        self.store = store
    }

    public var description: String {
        "The lock store \(store) keeps no fleet controls (pause, resume, trigger); use a PostgreSQL, SQLite or memory store."
    }
}
