/// A store opened with ``LockStoreOpening/existingOnly`` that does not exist: its SQLite file
/// or its lock table is missing.
public struct LockStoreNotFoundError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is missing.
    public enum Missing: Sendable, Hashable {
        /// The SQLite file at this absolute path.
        case file(path: String)
        /// The lock table of this name.
        case table(String)
    }

    /// The store, as its description names it (never with a password).
    public let store: String
    /// What is missing.
    public let missing: Missing

    /// Creates the error.
    public init(store: String, missing: Missing) {
        self.store = store
        self.missing = missing
    }

    public var description: String {
        switch missing {
        case .file:
            "There is no lock store at \(store): the file does not exist. "
                + "Check the database URL (this command never creates a store), or run `jobkit migrate` to create it."
        case .table(let table):
            "The lock store \(store) has no lock table \(table). "
                + "Check the database URL and table (this command never creates one), or run `jobkit migrate` to create it."
        }
    }
}

extension LockStoreNotFoundError: LockStoreError {
    /// Waiting does not create a store.
    public var isPermanent: Bool { true }
}
