import Foundation
import Synchronization

/// A clock that moves only when told to: for unit tests of jobs and critical sections.
///
/// Give it to an ``InMemoryLockStore`` and step through TTLs and heartbeat windows
/// instantly, instead of sleeping through them:
///
/// ```swift
/// let clock = ManualLockClock()
/// let store = InMemoryLockStore(clock: clock)
/// let mutex = DBMutex(store: store, ttl: .seconds(60), heartbeat: nil, logger: logger)
///
/// try mutex.withLock("report") {
///     clock.advance(by: .seconds(61))   // the job "ran" past its TTL
/// }                                     // throws DBMutexTimeoutError(overlapped: false)
/// ```
///
/// It may be shared between threads; every reading sees the latest step.
public final class ManualLockClock: LockClock {
    private let current: Mutex<Date>

    /// Creates a clock that reads `now` until it is moved; by default, the time of creation.
    public init(_ now: Date = Date()) {
        self.current = Mutex(now)
    }

    /// The time the clock was last set or advanced to.
    public func now() -> Date {
        current.withLock { $0 }
    }

    /// Moves the clock by `duration` (backwards when negative, as a stepped system clock can).
    public func advance(by duration: Duration) {
        current.withLock { $0 = LockRules.adding(duration, to: $0) }
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
