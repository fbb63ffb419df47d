/// The batch operations for stores that have no faster way: one call per lock, in order.
/// A store that can answer a batch in one round trip (PostgreSQL, SQLite, memory) implements
/// its own; the Django store and third-party stores keep working with these.
extension LockStore {
    /// Acquires one lock after the other, each answer its own: a failure of one does not
    /// stop the others.
    public func acquire(batch requests: [LockRequest]) -> [Result<AcquireResult, any Error>] {
        requests.map { request in Result { try acquire(request) } }
    }

    /// Releases one lease after the other, each answer its own.
    public func release(batch releases: [LockRelease]) -> [Result<ReleaseResult, any Error>] {
        releases.map { release in Result { try self.release(release.lease, ending: release.run) } }
    }
}
