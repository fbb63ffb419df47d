import Foundation
import Synchronization

/// The lock contract inside one process, on an injectable clock: **the store for unit tests
/// of your jobs**.
///
/// It keeps the same rules as the database stores (the conformance suite runs against all of
/// them), so a job tested here behaves the same on PostgreSQL. With a ``ManualLockClock`` a
/// test steps through TTLs and heartbeat windows instead of sleeping:
///
/// ```swift
/// let clock = ManualLockClock()
/// let store = InMemoryLockStore(clock: clock)
/// let first = DBMutex(store: store, owner: "worker-1", ttl: .seconds(60), heartbeat: nil, logger: logger)
/// let second = DBMutex(store: store, owner: "worker-2", ttl: .seconds(60), heartbeat: nil, logger: logger)
///
/// try first.withLock("report") {
///     // a second worker is refused while the first runs…
///     #expect(throws: DBMutexError.self) { try second.withLock("report") {} }
///     // …and takes over once the TTL has passed
///     clock.advance(by: .seconds(60))
///     try second.withLock("report") {}
/// }   // the first worker now throws DBMutexTimeoutError(overlapped: true)
/// ```
///
/// Locks live as long as the store and are seen only by the code that shares it: it
/// protects nothing across processes. Use ``SQLiteLockStore`` for one machine and
/// ``PostgresLockStore`` for a fleet. Like every store it keeps times in whole microseconds.
public final class InMemoryLockStore: LockStore {
    private struct State {
        var rows: [String: LockRow] = [:]
        var lastToken: Int64 = 0
    }

    /// The clock all lock arithmetic reads.
    public let clock: any LockClock
    private let state = Mutex(State())

    /// Creates an empty store reading `clock`; by default the system clock.
    public init(clock: any LockClock = SystemLockClock()) {
        self.clock = clock
    }

    public var description: String { "memory:" }

    /// Does nothing: there is no schema.
    public func migrate() {}

    public func acquire(_ request: LockRequest) throws -> AcquireResult {
        try acquire(request, now: nil)
    }

    /// Acquires as if the clock read `now` (the clock itself does not move), like
    /// `PostgresLockStore.acquire(_:now:)`: lets the conformance suite test exact boundaries
    /// the same way on every store.
    @_spi(Testing)
    public func acquire(_ request: LockRequest, now: Date?) throws -> AcquireResult {
        try LockID.validate(request.lockID)
        let now = LockRules.onMicrosecondGrid(now ?? clock.now())
        return state.withLock { state in
            let (result, write) = LockRules.acquire(state.rows[request.lockID], for: request, at: now) {
                state.lastToken += 1
                return state.lastToken
            }
            if let write { state.rows[request.lockID] = write }
            return result
        }
    }

    public func heartbeat(_ lease: Lease, window: Duration) -> HeartbeatResult {
        let now = LockRules.onMicrosecondGrid(clock.now())
        return state.withLock { state in
            let (result, write) = LockRules.heartbeat(state.rows[lease.lockID], lease: lease, window: window, at: now)
            if let write { state.rows[lease.lockID] = write }
            return result
        }
    }

    public func release(_ lease: Lease) -> ReleaseResult {
        let now = LockRules.onMicrosecondGrid(clock.now())
        return state.withLock { state in
            let (result, write) = LockRules.release(state.rows[lease.lockID], lease: lease, at: now)
            if let write { state.rows[lease.lockID] = write }
            return result
        }
    }

    public func locks() -> [LockState] {
        let now = LockRules.onMicrosecondGrid(clock.now())
        let rows = state.withLock { Array($0.rows.values) }
        // Ordered by code point, as SQLite's and PostgreSQL's C collation order text.
        return rows
            .sorted { $0.lockID.unicodeScalars.lexicographicallyPrecedes($1.lockID.unicodeScalars) }
            .map { $0.state(at: now) }
    }

    /// Removes the row of `lockID`, as an operator deleting it by hand would (django-db-mutex's
    /// way to clear a lock): lets the conformance suite test that on every store alike.
    @_spi(Testing)
    public func deleteRow(_ lockID: String) {
        _ = state.withLock { $0.rows.removeValue(forKey: lockID) }
    }

    public func forceRelease(_ lockID: String) throws -> Bool {
        try LockID.validate(lockID)
        let now = LockRules.onMicrosecondGrid(clock.now())
        return state.withLock { state in
            let (released, write) = LockRules.forceRelease(state.rows[lockID], at: now)
            if let write { state.rows[lockID] = write }
            return released
        }
    }
}
