import Foundation

extension DBMutex {
    /// Runs `body` while holding the lock `lockID`, blocking the calling thread.
    ///
    /// For code that is not `async`. In `async` code the `async` form is chosen whatever the
    /// body is, and this one does not compile there: its database round trips (and a
    /// `wait:`'s sleeps) would hold a thread of Swift's cooperative pool.
    ///
    /// - Parameters:
    ///   - lockID: the lock to take; see ``LockID`` for the rules.
    ///   - ttl: this call's TTL; by default the mutex's.
    ///   - tick: the scheduled time this run is for, if any: a tick not newer than the last
    ///     one claimed for this lock is refused as already ran.
    ///   - wait: how long to wait for a busy lock, retrying with jittered exponential backoff
    ///     judged on the store's clock; `nil` (the default) fails at once.
    ///   - body: the critical code.
    /// - Returns: what `body` returns.
    /// - Throws: ``DBMutexError`` when the lock is held elsewhere (after `wait`, saying how
    ///   long it waited; the body does not run); the body's own error when it throws (a
    ///   timeout is then reported as `lock.overran`); ``DBMutexTimeoutError`` when the body
    ///   finished after the TTL ran out or after the lease was lost (taken over or
    ///   force-released); the store's error when the store cannot be reached to acquire.
    @_disfavoredOverload
    @available(*, noasync, message: "It blocks the thread; in async code use the async withLock.")
    public func withLock<R>(
        _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil, wait: Duration? = nil, _ body: () throws -> R
    ) throws -> R {
        try withLease(lockID, ttl: ttl, tick: tick, wait: wait) { _ in try body() }
    }

    /// Like ``withLock(_:ttl:tick:wait:_:)-(_,_,_,_,()->R)``, passing the ``Lease`` (with its
    /// fencing token) to `body`.
    @_disfavoredOverload
    @available(*, noasync, message: "It blocks the thread; in async code use the async withLease.")
    public func withLease<R>(
        _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil, wait: Duration? = nil, _ body: (Lease) throws -> R
    ) throws -> R {
        let keeper: LeaseKeeper
        do {
            keeper = try holdWaiting(request(lockID, ttl: ttl, tick: tick), wait: wait)
        } catch let refusal as DBMutexError {
            countRefusal(refusal)
            throw refusal
        }
        let result = Result { try body(keeper.lease) }
        keeper.stop()
        let release = Result { try store.release(keeper.lease) }
        keeper.releaseAnswered(release)
        let run = Run(lease: keeper.lease, body: result, release: release, loss: keeper.loss)
        countSection(run)
        return try answer(run)
    }

    /// Acquires like ``hold(_:whenAcquired:whenExpired:whenLost:)``, retrying a busy lock for
    /// up to `wait` with the thread asleep between tries. Blocks.
    @available(*, noasync)
    func holdWaiting(_ request: LockRequest, wait: Duration?) throws -> LeaseKeeper {
        guard let wait else { return try hold(request) }
        var waiter = LockWaiter(budget: wait)
        while true {
            do {
                return try hold(request)
            } catch let refusal as DBMutexError {
                guard let delay = waiter.delay(after: refusal) else { throw waiter.gaveUp(refusal) }
                Thread.sleep(forTimeInterval: delay.jobKitTimeInterval)
            }
        }
    }
}
