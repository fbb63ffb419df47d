import Foundation

/// Where ``InMemoryLockStore`` reads the time: the one clock all its lock arithmetic uses.
///
/// The database stores read their server's clock instead; this protocol exists so that unit
/// tests can step time with ``ManualLockClock`` rather than sleep.
public protocol LockClock: Sendable {
    /// The current time.
    func now() -> Date
}
