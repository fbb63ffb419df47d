import Foundation

/// Ticks that came due but were not run because they were older than the grace period:
/// what `job.misfired` reports. A count and the two ends, never a list, however long the
/// pause was.
public struct MissedTicks: Sendable, Hashable {
    /// How many ticks were missed; at least 1.
    public let count: Int
    /// The earliest missed tick.
    public let first: Date
    /// The latest missed tick.
    public let last: Date

    /// Creates a value.
    public init(count: Int, first: Date, last: Date) {
        self.count = count
        self.first = first
        self.last = last
    }
}
