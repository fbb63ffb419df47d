/// Wraps `function` so that every call runs under the lock `lockID`: django-db-mutex's
/// `@db_mutex('lock_id')` decorator.
///
/// ```swift
/// let critical = dbMutex("lock_id") { (day: String) in try rebuildIndex(for: day) }
/// try critical("2026-11-23")   // throws DBMutexError when held elsewhere
/// ```
///
/// The mutex is looked up at call time from ``DBMutex/shared()``.
public func dbMutex<each Argument, R>(
    _ lockID: String, ttl: LockTTL? = nil,
    _ function: @escaping (repeat each Argument) throws -> R
) -> (repeat each Argument) throws -> R {
    { (argument: repeat each Argument) in
        try DBMutex.shared().withLock(lockID, ttl: ttl) { try function(repeat each argument) }
    }
}

/// Wraps an `async` `function` so that every call runs under the lock `lockID`.
public func dbMutex<each Argument, R>(
    _ lockID: String, ttl: LockTTL? = nil,
    _ function: @escaping (repeat each Argument) async throws -> R
) -> (repeat each Argument) async throws -> R {
    { (argument: repeat each Argument) in
        try await DBMutex.shared().withLock(lockID, ttl: ttl) { try await function(repeat each argument) }
    }
}

extension DBMutex {
    /// Wraps `function` so that every call runs under the lock `lockID` on this mutex.
    public func wrap<each Argument, R>(
        _ lockID: String, ttl: LockTTL? = nil,
        _ function: @escaping (repeat each Argument) throws -> R
    ) -> (repeat each Argument) throws -> R {
        { (argument: repeat each Argument) in
            try self.withLock(lockID, ttl: ttl) { try function(repeat each argument) }
        }
    }
}
