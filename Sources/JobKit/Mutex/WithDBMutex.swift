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
/// It uses the mutex from ``DBMutex/shared()``; see ``DBMutex/withLock(_:ttl:tick:_:)-(_,_,_,()->R)``
/// for the parameters and errors.
public func withDBMutex<R>(
    _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil, _ body: () throws -> R
) throws -> R {
    try DBMutex.shared().withLock(lockID, ttl: ttl, tick: tick, body)
}

/// Runs `body` while holding the lock `lockID` across processes and machines.
///
/// It uses the mutex from ``DBMutex/shared()``; see ``DBMutex/withLock(_:ttl:tick:isolation:_:)``
/// for the parameters and errors.
public func withDBMutex<R>(
    _ lockID: String, ttl: LockTTL? = nil, tick: Date? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> R
) async throws -> R {
    try await DBMutex.shared().withLock(lockID, ttl: ttl, tick: tick, body)
}
