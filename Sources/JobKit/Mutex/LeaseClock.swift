import Foundation

/// The clock a held lease's heartbeats and TTL timer run on.
///
/// Leases are judged on the database's wall clock, so the holder's timers must run on wall
/// time too: a monotonic clock does not advance while a virtual machine is paused (or, on
/// some systems, while the machine sleeps), so after a 5 s pause a holder timing its beats on
/// it would wait out the rest of its interval while the database had already counted the 5 s
/// and let another process take the lock over. On wall time every deadline that passed during
/// the pause is due at once on waking, so a paused holder beats (and learns it lost the lock)
/// within milliseconds, as one stopped with SIGSTOP does.
///
/// Production uses ``DispatchWallClock``; tests inject a clock they move by hand.
public protocol LeaseClock: Sendable {
    /// The current wall-clock time.
    func now() -> Date
    /// Calls `handler` once, on some thread, when the clock reads `deadline` or later,
    /// unless the returned timer is cancelled first.
    func schedule(at deadline: Date, _ handler: @escaping @Sendable () -> Void) -> LeaseTimer
}
