import Foundation

/// A scheduler clock running a fixed offset ahead of (or behind) another: simulates a machine
/// whose clock is skewed, for fleet tests. The lock store's clock is not affected.
public struct OffsetClock: SchedulerClock {
    /// The clock being offset.
    public var base: any SchedulerClock
    /// How far ahead this clock runs; negative for behind.
    public var offset: Duration

    /// Creates a clock `offset` ahead of `base`.
    public init(base: any SchedulerClock = DispatchWallClock(), offset: Duration) {
        self.base = base
        self.offset = offset
    }

    public func now() -> Date { base.now().addingTimeInterval(offset.jobKitTimeInterval) }

    public func sleep(until deadline: Date) async throws {
        try await base.sleep(until: deadline.addingTimeInterval(-offset.jobKitTimeInterval))
    }

    /// Sleeps on the base clock, which the signal wakes the base clock's way.
    public func sleep(until deadline: Date, wakingOn signal: WakeSignal) async throws {
        try await base.sleep(until: deadline.addingTimeInterval(-offset.jobKitTimeInterval), wakingOn: signal)
    }
}
