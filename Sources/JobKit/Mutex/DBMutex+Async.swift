import Foundation

extension DBMutex {
    /// Runs `body` while holding the lock `lockID`.
    ///
    /// Store calls run on Dispatch threads, never on Swift's cooperative pool; `body` runs in
    /// the caller's isolation.
    ///
    /// - Parameters:
    ///   - lockID: the lock to take; see ``LockID`` for the rules.
    ///   - ttl: this call's TTL; by default the mutex's.
    ///   - tick: the scheduled time this run is for, if any: a tick not newer than the last
    ///     one claimed for this lock is refused as already ran.
    ///   - isolation: the actor `body` runs on; by default the caller's.
    ///   - body: the critical code.
    /// - Returns: what `body` returns.
    /// - Throws: ``DBMutexError`` when the lock is held elsewhere (the body does not run);
    ///   the body's own error when it throws (a timeout is then reported as `lock.overran`);
    ///   ``DBMutexTimeoutError`` when the body finished after the TTL ran out; the store's
    ///   error when the store cannot be reached.
    public func withLock<R>(
        _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> R
    ) async throws -> R {
        try await withLease(lockID, ttl: ttl, tick: tick) { _ in try await body() }
    }

    /// Like ``withLock(_:ttl:tick:isolation:_:)``, passing the ``Lease`` (with its fencing
    /// token) to `body`, and calling `whenLost` from the heartbeat if the lease is taken
    /// over or force-released while `body` runs (for example to cancel the body's task); the
    /// ``LeaseLoss`` says which.
    public func withLease<R>(
        _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil,
        whenExpired: @escaping @Sendable () -> Void = {},
        whenLost: @escaping @Sendable (LeaseLoss) -> Void = { _ in },
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Lease) async throws -> R
    ) async throws -> R {
        let run = try await run(lockID, ttl: ttl, tick: tick, whenExpired: whenExpired, whenLost: whenLost, body)
        return try answer(run)
    }

    /// Acquires, runs `body`, stops the keeper and releases; reports nothing to the caller yet.
    func run<R>(
        _ lockID: String, ttl: LockTTL?, tick: Date?,
        whenAcquired: @escaping @Sendable (Lease) -> Void = { _ in },
        whenExpired: @escaping @Sendable () -> Void,
        whenLost: @escaping @Sendable (LeaseLoss) -> Void,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Lease) async throws -> R
    ) async throws -> Run<R> {
        let request = try request(lockID, ttl: ttl, tick: tick)
        let mutex = self
        let keeper = try await BlockingQueue.run {
            try mutex.hold(request, whenAcquired: whenAcquired, whenExpired: whenExpired, whenLost: whenLost)
        }
        let result: Result<R, any Error>
        do {
            result = .success(try await body(keeper.lease))
        } catch {
            result = .failure(error)
        }
        await keeper.stop()
        let store = self.store
        let lease = keeper.lease
        let release: Result<ReleaseResult, any Error>
        do {
            release = .success(try await BlockingQueue.run { try store.release(lease) })
        } catch {
            release = .failure(error)
        }
        return Run(lease: lease, body: result, release: release, loss: keeper.loss)
    }
}
