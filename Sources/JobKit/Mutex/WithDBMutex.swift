import Foundation

/// Runs `body` while holding the lock `lockID` across processes and machines, blocking the
/// calling thread: django-db-mutex's `with db_mutex('lock_id'):`.
///
/// ```swift
/// do {
///     try withDBMutex("lock_id") {
///         // critical code
///     }
/// } catch let error as DBMutexError {
///     print("Could not obtain lock: \(error)")
/// } catch let error as DBMutexTimeoutError {
///     print("Task completed but the lock timed out: \(error)")
/// }
/// ```
///
/// It uses the mutex from ``DBMutex/shared()``; see ``DBMutex/withLock(_:ttl:tick:wait:_:)-(_,_,_,_,()->R)``
/// for the parameters and errors. In `async` code the `async` form is chosen whatever the
/// body is, and this one does not compile there.
@_disfavoredOverload
@available(*, noasync, message: "It blocks the thread; in async code use the async withDBMutex.")
public func withDBMutex<R>(
    _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil, wait: Duration? = nil, _ body: () throws -> R
) throws -> R {
    try DBMutex.shared().withLock(lockID, ttl: ttl, tick: tick, wait: wait, body)
}

/// Runs `body` while holding the lock `lockID` across processes and machines.
///
/// It uses the mutex from ``DBMutex/shared()``; see ``DBMutex/withLock(_:ttl:tick:wait:isolation:_:)``
/// for the parameters and errors. Store calls run off the cooperative pool, including opening
/// the shared mutex's store the first time.
public func withDBMutex<R>(
    _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil, wait: Duration? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> R
) async throws -> R {
    let mutex = try await DBMutex.sharedOffPool()
    return try await mutex.withLock(lockID, ttl: ttl, tick: tick, wait: wait, body)
}
