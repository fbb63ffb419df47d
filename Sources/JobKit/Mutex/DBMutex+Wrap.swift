/// Wraps `function` so that every call runs under the lock `lockID`: django-db-mutex's
/// `@db_mutex('lock_id')` decorator.
///
/// ```swift
/// let critical = dbMutex("lock_id") { (day: String) in try rebuildIndex(for: day) }
/// try critical("2026-11-23")   // throws DBMutexError when held elsewhere
/// ```
///
/// The mutex is looked up at call time from ``DBMutex/shared()``. The wrapped function blocks
/// its thread while it talks to the database, so this form does not compile in `async` code:
/// wrap an `async` function there (`{ (day: String) async in … }`).
@_disfavoredOverload
@available(*, noasync, message: "The wrapped function blocks its thread; in async code wrap an async function: { () async in … }.")
public func dbMutex<each Argument, R>(
    _ lockID: String, ttl: LockTTL? = nil, wait: Duration? = nil,
    _ function: @escaping (repeat each Argument) throws -> R
) -> (repeat each Argument) throws -> R {
    { (argument: repeat each Argument) in
        try DBMutex.shared().wrap(lockID, ttl: ttl, wait: wait, function)(repeat each argument)
    }
}

/// Wraps `function` like ``dbMutex(_:ttl:wait:_:)-(_,_,_,(repeat each Argument)->R)``, with
/// django-db-mutex's `suppress_acquisition_exceptions`: when `suppressAcquisitionErrors` is
/// `true`, a call that finds the lock busy (after `wait`) returns `nil` instead of throwing
/// ``DBMutexError``, and `function` does not run. Timeouts (``DBMutexTimeoutError``) are
/// never suppressed.
///
/// Unlike django-db-mutex, which logs and runs the function without the lock, the function
/// never runs unlocked.
@_disfavoredOverload
@available(*, noasync, message: "The wrapped function blocks its thread; in async code wrap an async function: { () async in … }.")
public func dbMutex<each Argument, R>(
    _ lockID: String, ttl: LockTTL? = nil, wait: Duration? = nil, suppressAcquisitionErrors: Bool,
    _ function: @escaping (repeat each Argument) throws -> R
) -> (repeat each Argument) throws -> R? {
    { (argument: repeat each Argument) in
        try DBMutex.shared().wrap(
            lockID, ttl: ttl, wait: wait, suppressAcquisitionErrors: suppressAcquisitionErrors, function
        )(repeat each argument)
    }
}

/// Wraps an `async` `function` so that every call runs under the lock `lockID`.
public func dbMutex<each Argument, R>(
    _ lockID: String, ttl: LockTTL? = nil, wait: Duration? = nil,
    _ function: @escaping (repeat each Argument) async throws -> R
) -> (repeat each Argument) async throws -> R {
    { (argument: repeat each Argument) in
        try await DBMutex.sharedOffPool().wrap(lockID, ttl: ttl, wait: wait, function)(repeat each argument)
    }
}

/// Wraps an `async` `function` like ``dbMutex(_:ttl:wait:_:)-(_,_,_,(repeat each Argument)async->R)``,
/// returning `nil` instead of throwing ``DBMutexError`` when `suppressAcquisitionErrors` is
/// `true` and the lock is busy. Timeouts are never suppressed.
public func dbMutex<each Argument, R>(
    _ lockID: String, ttl: LockTTL? = nil, wait: Duration? = nil, suppressAcquisitionErrors: Bool,
    _ function: @escaping (repeat each Argument) async throws -> R
) -> (repeat each Argument) async throws -> R? {
    { (argument: repeat each Argument) in
        try await DBMutex.sharedOffPool().wrap(
            lockID, ttl: ttl, wait: wait, suppressAcquisitionErrors: suppressAcquisitionErrors, function
        )(repeat each argument)
    }
}

extension DBMutex {
    /// Wraps `function` so that every call runs under the lock `lockID` on this mutex,
    /// blocking its thread; so this form does not compile in `async` code, where an `async`
    /// function is wrapped instead.
    @_disfavoredOverload
    @available(*, noasync, message: "The wrapped function blocks its thread; in async code wrap an async function: { () async in … }.")
    public func wrap<each Argument, R>(
        _ lockID: String, ttl: LockTTL? = nil, wait: Duration? = nil,
        _ function: @escaping (repeat each Argument) throws -> R
    ) -> (repeat each Argument) throws -> R {
        { (argument: repeat each Argument) in
            try self.withLock(lockID, ttl: ttl, wait: wait) { try function(repeat each argument) }
        }
    }

    /// Wraps `function` like ``wrap(_:ttl:wait:_:)-(_,_,_,(repeat each Argument)->R)``; with
    /// `suppressAcquisitionErrors`, a busy lock makes the call return `nil` (the function
    /// does not run) instead of throwing ``DBMutexError``. Timeouts are never suppressed.
    @_disfavoredOverload
    @available(*, noasync, message: "The wrapped function blocks its thread; in async code wrap an async function: { () async in … }.")
    public func wrap<each Argument, R>(
        _ lockID: String, ttl: LockTTL? = nil, wait: Duration? = nil, suppressAcquisitionErrors: Bool,
        _ function: @escaping (repeat each Argument) throws -> R
    ) -> (repeat each Argument) throws -> R? {
        { (argument: repeat each Argument) in
            do {
                return try self.withLock(lockID, ttl: ttl, wait: wait) { try function(repeat each argument) }
            } catch is DBMutexError where suppressAcquisitionErrors {
                return nil
            }
        }
    }

    /// Wraps an `async` `function` so that every call runs under the lock `lockID` on this
    /// mutex; store calls run off the cooperative pool.
    public func wrap<each Argument, R>(
        _ lockID: String, ttl: LockTTL? = nil, wait: Duration? = nil,
        _ function: @escaping (repeat each Argument) async throws -> R
    ) -> (repeat each Argument) async throws -> R {
        { (argument: repeat each Argument) in
            try await self.withLock(lockID, ttl: ttl, wait: wait) { try await function(repeat each argument) }
        }
    }

    /// Wraps an `async` `function` like ``wrap(_:ttl:wait:_:)-(_,_,_,(repeat each Argument)async->R)``;
    /// with `suppressAcquisitionErrors`, a busy lock makes the call return `nil` instead of
    /// throwing ``DBMutexError``. Timeouts are never suppressed.
    public func wrap<each Argument, R>(
        _ lockID: String, ttl: LockTTL? = nil, wait: Duration? = nil, suppressAcquisitionErrors: Bool,
        _ function: @escaping (repeat each Argument) async throws -> R
    ) -> (repeat each Argument) async throws -> R? {
        { (argument: repeat each Argument) in
            do {
                return try await self.withLock(lockID, ttl: ttl, wait: wait) { try await function(repeat each argument) }
            } catch is DBMutexError where suppressAcquisitionErrors {
                return nil
            }
        }
    }
}
