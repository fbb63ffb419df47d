import Foundation

/// The system's wall clock: what ``InMemoryLockStore`` uses unless told otherwise.
public struct SystemLockClock: LockClock {
    /// Creates the clock.
    public init() {}

    /// The current time, from `Date()`.
    public func now() -> Date { Date() }
}
