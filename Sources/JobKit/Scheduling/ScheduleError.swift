/// A schedule that cannot fire: an interval that is not a positive whole number of
/// milliseconds.
public struct ScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The interval as given.
    public let interval: Duration

    /// Creates an error for an interval.
    public init(interval: Duration) {
        self.interval = interval
    }

    /// The message, naming the interval and what it must be.
    public var description: String {
        let reason =
            interval < .milliseconds(1)
            ? "it must be at least 1ms"
            : "it must be a whole number of milliseconds"
        return "The interval \(interval.jobKitText) cannot be a schedule: \(reason)."
    }
}
