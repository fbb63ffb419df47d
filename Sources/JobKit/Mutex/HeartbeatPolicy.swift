/// How a holder proves it is alive while its critical code runs.
///
/// Every ``interval`` the holder extends its liveness deadline to ``window`` from the store's
/// current time. A holder that stops beating (killed, frozen, cut off) loses the lock once the
/// window passes, long before its TTL: a process killed by the OOM killer frees its locks
/// within the window, not after 30 minutes.
public struct HeartbeatPolicy: Sendable, Hashable {
    /// How often the holder beats.
    public var interval: Duration
    /// How far ahead each beat pushes the liveness deadline.
    public var window: Duration

    /// Beats every 10 seconds with a 30-second window.
    public static let `default` = HeartbeatPolicy(interval: .seconds(10), window: .seconds(30))

    /// Creates a policy. `interval` must be positive and shorter than `window`, so that a
    /// beat lands before the deadline it extends.
    public init(interval: Duration, window: Duration) {
        precondition(interval > .zero, "the heartbeat interval must be positive")
        precondition(interval < window, "the heartbeat interval must be shorter than its window")
        self.interval = interval
        self.window = window
    }
}
