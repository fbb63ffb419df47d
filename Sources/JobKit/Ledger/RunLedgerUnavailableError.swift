/// The store keeps no run ledger (a store written for an earlier JobKit, or one that has no
/// place for it), so `jobkit status` and `jobkit history` have nothing to read.
public struct RunLedgerUnavailableError: Error, Sendable, Hashable, CustomStringConvertible, LockStoreError {
    /// The store, as it describes itself.
    public let store: String

    /// Creates an error.
    public init(store: String) {
        self.store = store
    }

    /// Always `true`: this store will never have a ledger.
    public var isPermanent: Bool { true }

    public var description: String { "The store \(store) keeps no run ledger, so there is no history of runs to show." }
}
