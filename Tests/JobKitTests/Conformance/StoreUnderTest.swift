import Foundation
import JobKit
import Testing

/// A store opened for one test, with `async` calls that run the store's blocking methods
/// off the cooperative pool, and shorthands that record an issue when the answer is not the
/// expected case.
struct StoreUnderTest: Sendable {
    let store: any TimeSteerableLockStore
    let context: ConformanceContext

    /// A lock id in this test's namespace.
    func id(_ suffix: String) -> String { "\(context.prefix)-\(suffix)" }

    func migrate() async throws {
        let store = self.store
        try await offPool { try store.migrate() }
    }

    /// Acquires `lockID` for `owner`, at `now` on the store's clock; without `now`, through
    /// the public ``LockStore/acquire(_:)`` on the store's real clock.
    func acquire(
        _ lockID: String, owner: String, ttl: Duration? = .seconds(3600), liveness: Duration? = nil,
        tick: Date? = nil, at now: Date? = nil
    ) async throws -> AcquireResult {
        let store = self.store
        let request = LockRequest(lockID: lockID, owner: owner, ttl: ttl, liveness: liveness, tick: tick)
        if let now {
            return try await offPool { try store.acquire(request, now: now) }
        }
        return try await offPool { try store.acquire(request) }
    }

    /// Acquires and expects success.
    func acquired(
        _ lockID: String, owner: String, ttl: Duration? = .seconds(3600), liveness: Duration? = nil,
        tick: Date? = nil, at now: Date? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Lease {
        let result = try await acquire(lockID, owner: owner, ttl: ttl, liveness: liveness, tick: tick, at: now)
        guard let lease = result.lease else {
            let failure = UnexpectedAnswer(description: "\(owner) expected to acquire \"\(lockID)\", got \(result)")
            Issue.record(failure, sourceLocation: sourceLocation)
            throw failure
        }
        return lease
    }

    /// Acquires and expects a refusal.
    func refused(
        _ lockID: String, owner: String, ttl: Duration? = .seconds(3600), liveness: Duration? = nil,
        tick: Date? = nil, at now: Date? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> DBMutexError {
        let result = try await acquire(lockID, owner: owner, ttl: ttl, liveness: liveness, tick: tick, at: now)
        guard let error = result.refusal else {
            let failure = UnexpectedAnswer(description: "\(owner) expected to be refused \"\(lockID)\", got \(result)")
            Issue.record(failure, sourceLocation: sourceLocation)
            throw failure
        }
        return error
    }

    /// Acquires and expects a refusal because the lock is held; returns the holder.
    func refusedAsHeld(
        _ lockID: String, owner: String, ttl: Duration? = .seconds(3600), liveness: Duration? = nil,
        tick: Date? = nil, at now: Date? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> LockHolder {
        let error = try await refused(lockID, owner: owner, ttl: ttl, liveness: liveness, tick: tick, at: now, sourceLocation: sourceLocation)
        guard let holder = error.reason.holder else {
            let failure = UnexpectedAnswer(description: "expected \"\(lockID)\" to be refused as held, got \(error)")
            Issue.record(failure, sourceLocation: sourceLocation)
            throw failure
        }
        return holder
    }

    func heartbeat(_ lease: Lease, window: Duration = .seconds(600)) async throws -> HeartbeatResult {
        let store = self.store
        return try await offPool { try store.heartbeat(lease, window: window) }
    }

    func release(_ lease: Lease) async throws -> ReleaseResult {
        let store = self.store
        return try await offPool { try store.release(lease) }
    }

    func locks() async throws -> [LockState] {
        let store = self.store
        return try await offPool { try store.locks() }
    }

    /// The row of `lockID`, if there is one.
    func lock(_ lockID: String) async throws -> LockState? {
        try await locks().first { $0.lockID == lockID }
    }

    func forceRelease(_ lockID: String) async throws -> Bool {
        let store = self.store
        return try await offPool { try store.forceRelease(lockID) }
    }

    /// A mutex on this store for `owner`.
    func mutex(owner: String, ttl: LockTTL = .seconds(3600), heartbeat: HeartbeatPolicy? = nil) -> DBMutex {
        DBMutex(store: store, owner: owner, ttl: ttl, heartbeat: heartbeat, logger: .discarding)
    }
}

extension StoreKind {
    /// Opens a fresh store in the current test's namespace, runs `body`, and cleans up.
    ///
    /// - Parameter migrate: whether to call ``LockStore/migrate()`` first; without it, the
    ///   store meets its schema on first use.
    func withStore<R>(
        migrate: Bool = true, retention: RunRetention = .default, _ body: (StoreUnderTest) async throws -> R
    ) async throws -> R {
        var context = try ConformanceContext(kind: self)
        context.retention = retention
        defer { context.cleanUp() }
        let subject = StoreUnderTest(store: try open(context), context: context)
        if migrate { try await subject.migrate() }
        return try await body(subject)
    }

    /// Opens a second store on the same database and table as `subject` (a second process,
    /// as far as the store can tell). `nil` for stores that live inside one instance.
    func reopen(_ subject: StoreUnderTest) throws -> StoreUnderTest? {
        guard name != "memory" else { return nil }
        return StoreUnderTest(store: try open(subject.context), context: subject.context)
    }
}
