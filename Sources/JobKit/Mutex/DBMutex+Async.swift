import Foundation

extension DBMutex {
    /// Runs `body` while holding the lock `lockID`.
    ///
    /// Store calls run on Dispatch threads, never on Swift's cooperative pool; `body` runs in
    /// the caller's isolation. In `async` code this form is chosen whatever the body is, so a
    /// synchronous body does not pull the blocking form onto the pool.
    ///
    /// - Parameters:
    ///   - lockID: the lock to take; see ``LockID`` for the rules.
    ///   - ttl: this call's TTL; by default the mutex's.
    ///   - tick: the scheduled time this run is for, if any: a tick not newer than the last
    ///     one claimed for this lock is refused as already ran.
    ///   - wait: how long to wait for a busy lock, retrying with jittered exponential backoff
    ///     judged on the store's clock; `nil` (the default) fails at once. Cancelling the
    ///     task stops the wait at once with `CancellationError`.
    ///   - isolation: the actor `body` runs on; by default the caller's.
    ///   - body: the critical code.
    /// - Returns: what `body` returns.
    /// - Throws: ``DBMutexError`` when the lock is held elsewhere (after `wait`, saying how
    ///   long it waited; the body does not run); the body's own error when it throws (a
    ///   timeout is then reported as `lock.overran`); ``DBMutexTimeoutError`` when the body
    ///   finished after the TTL ran out or after the lease was lost (taken over or
    ///   force-released); the store's error when the store cannot be reached to acquire.
    public func withLock<R>(
        _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil, wait: Duration? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> R
    ) async throws -> R {
        try await withLease(lockID, ttl: ttl, tick: tick, wait: wait) { _ in try await body() }
    }

    /// Like ``withLock(_:ttl:tick:wait:isolation:_:)``, passing the ``Lease`` (with its fencing
    /// token) to `body`, and calling `whenLost` from the heartbeat if the lease is taken
    /// over or force-released while `body` runs (for example to cancel the body's task); the
    /// ``LeaseLoss`` says which.
    public func withLease<R>(
        _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil, wait: Duration? = nil,
        whenExpired: @escaping @Sendable () -> Void = {},
        whenLost: @escaping @Sendable (LeaseLoss) -> Void = { _ in },
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Lease) async throws -> R
    ) async throws -> R {
        let run: Run<R>
        do {
            run = try await self.run(
                lockID, ttl: ttl, tick: tick, wait: wait, whenExpired: whenExpired, whenLost: whenLost, body
            )
        } catch let refusal as DBMutexError {
            countRefusal(refusal)
            throw refusal
        }
        countSection(run)
        return try answer(run)
    }

    /// Acquires (waiting up to `wait`), runs `body`, stops the keeper and releases; reports
    /// nothing to the caller yet.
    ///
    /// With `job`, the acquisition opens the job's run-ledger row and the release ends it
    /// with what `ending` makes of the body's result and whether the lease was lost, in the
    /// same round trips.
    func run<R>(
        _ lockID: String, ttl: LockTTL?, tick: Date?, wait: Duration? = nil,
        job: RunStart? = nil,
        ending: (Result<R, any Error>, _ lost: Bool) -> RunEnd = { _, _ in RunEnd(outcome: .succeeded) },
        whenAcquired: @escaping @Sendable (Lease) -> Void = { _ in },
        whenExpired: @escaping @Sendable () -> Void,
        whenLost: @escaping @Sendable (LeaseLoss) -> Void,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Lease) async throws -> R
    ) async throws -> Run<R> {
        var jobRequest = try request(lockID, ttl: ttl, tick: tick)
        jobRequest.run = job
        let request = jobRequest
        let mutex = self
        var waiter = wait.map(LockWaiter.init(budget:))
        let keeper: LeaseKeeper
        while true {
            do {
                // A manual run (a trigger's claim, a kind of its own) goes alone: a batch carries
                // scheduled ticks only.
                if let claims, request.run?.trigger == nil, request.run?.kind == nil {
                    let answer = try await claims.acquire(request).get()
                    keeper = try mutex.hold(
                        answer, for: request, whenAcquired: whenAcquired, whenExpired: whenExpired, whenLost: whenLost
                    )
                } else {
                    keeper = try await BlockingQueue.run {
                        try mutex.hold(request, whenAcquired: whenAcquired, whenExpired: whenExpired, whenLost: whenLost)
                    }
                }
                break
            } catch let refusal as DBMutexError {
                guard let delay = waiter?.delay(after: refusal) else { throw waiter?.gaveUp(refusal) ?? refusal }
                try await Task.sleep(for: delay)
            }
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
        let end = job.map { _ in ending(result, keeper.loss != nil) }
        let release: Result<ReleaseResult, any Error>
        if let claims {
            release = await claims.release(LockRelease(lease: lease, run: end))
        } else {
            do {
                release = .success(try await BlockingQueue.run { try store.release(lease, ending: end) })
            } catch {
                release = .failure(error)
            }
        }
        keeper.releaseAnswered(release)
        return Run(lease: lease, body: result, release: release, loss: keeper.loss)
    }
}
