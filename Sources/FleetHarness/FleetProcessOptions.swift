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

extension [FleetProcessOptions] {
    /// `count` processes alike.
    public static func uniform(_ count: Int) -> [FleetProcessOptions] {
        [FleetProcessOptions](repeating: FleetProcessOptions(), count: count)
    }

    /// `count` processes whose clock offsets are spread evenly over `-skew ... +skew`.
    public static func skewed(_ count: Int, by skew: Duration) -> [FleetProcessOptions] {
        guard count > 1 else { return [FleetProcessOptions()] }
        return (0..<count).map { index in
            FleetProcessOptions(clockOffset: skew * (2 * Double(index) / Double(count - 1) - 1))
        }
    }
}
