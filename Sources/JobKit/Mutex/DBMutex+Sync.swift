import Foundation

extension DBMutex {
    /// Runs `body` while holding the lock `lockID`, blocking the calling thread.
    ///
    /// - Parameters:
    ///   - lockID: the lock to take; see ``LockID`` for the rules.
    ///   - ttl: this call's TTL; by default the mutex's.
    ///   - tick: the scheduled time this run is for, if any: a tick not newer than the last
    ///     one claimed for this lock is refused as already ran.
    ///   - body: the critical code.
    /// - Returns: what `body` returns.
    /// - Throws: ``DBMutexError`` when the lock is held elsewhere (the body does not run);
    ///   the body's own error when it throws (a timeout is then reported as `lock.overran`);
    ///   ``DBMutexTimeoutError`` when the body finished after the TTL ran out; the store's
    ///   error when the store cannot be reached.
    public func withLock<R>(
        _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil, _ body: () throws -> R
    ) throws -> R {
        try withLease(lockID, ttl: ttl, tick: tick) { _ in try body() }
    }

    /// Like ``withLock(_:ttl:tick:_:)-(_,_,_,()->R)``, passing the ``Lease`` (with its fencing token) to `body`.
    public func withLease<R>(
        _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil, _ body: (Lease) throws -> R
    ) throws -> R {
        let keeper = try hold(request(lockID, ttl: ttl, tick: tick))
        let result = Result { try body(keeper.lease) }
        keeper.stop()
        let release = Result { try store.release(keeper.lease) }
        return try answer(Run(lease: keeper.lease, body: result, release: release, loss: keeper.loss))
    }
}
