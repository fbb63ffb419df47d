/// How ``LockStoreURL/makeStore(_:opening:logger:)`` opens a store: whether it may create what is
/// missing.
public enum LockStoreOpening: Sendable, Hashable {
    /// Creates the SQLite file and the lock schema when they are missing. What the scheduler,
    /// `jobkit migrate` and `withDBMutex` do.
    case creatingIfMissing
    /// Opens only a store that exists with its schema, and never creates or alters anything:
    /// a missing SQLite file or lock table throws ``LockStoreNotFoundError``. What read-only
    /// commands (`jobkit locks`) do, so a mistyped path or a renamed table is an error rather
    /// than a fresh, empty store.
    case existingOnly
}
