/// How one process of a fleet differs from the others.
public struct FleetProcessOptions: Sendable, Hashable {
    /// `--testing-clock-offset`: how far this process's scheduler clock runs ahead (negative:
    /// behind). The lock store's clock is not affected.
    public var clockOffset: Duration
    /// `--heartbeat-interval`; nil for the fleet's.
    public var heartbeatInterval: Duration?
    /// `--heartbeat-window`; nil for the fleet's.
    public var heartbeatWindow: Duration?
    /// More arguments for `jobkit run`.
    public var extraArguments: [String]

    /// Creates options.
    public init(
        clockOffset: Duration = .zero, heartbeatInterval: Duration? = nil, heartbeatWindow: Duration? = nil,
        extraArguments: [String] = []
    ) {
        self.clockOffset = clockOffset
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatWindow = heartbeatWindow
        self.extraArguments = extraArguments
    }
}
