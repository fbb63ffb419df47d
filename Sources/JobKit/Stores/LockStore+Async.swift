/// The store's operations for `async` code: each runs the blocking requirement on JobKit's
/// Dispatch queue, off Swift's cooperative thread pool. In `async` code these are chosen.
extension LockStore {
    /// Creates or updates the schema, off the cooperative pool.
    public func migrate() async throws {
        try await BlockingQueue.run { try self.migrate() }
    }

    /// Every lock row, ordered by lock id, off the cooperative pool.
    public func locks() async throws -> [LockState] {
        try await BlockingQueue.run { try self.locks() }
    }

    /// Releases a lock whoever holds it, off the cooperative pool; see ``forceRelease(_:)-(String)``.
    public func forceRelease(_ lockID: String) async throws -> Bool {
        try await BlockingQueue.run { try self.forceRelease(lockID) }
    }
}
