import Dispatch
import Foundation

extension DispatchWallClock: LeaseClock {
    /// Dispatch timers on one queue shared by every lease (a one-shot source's handler runs
    /// once, so sharing a concurrent queue is safe).
    private static let leaseQueue = DispatchQueue(label: "jobkit.lease-keeper", attributes: .concurrent)

    /// Sets a Dispatch timer on the wall clock (`CLOCK_REALTIME`), which keeps counting
    /// through a VM pause, so a deadline that passed during one fires as soon as the process
    /// runs again.
    public func schedule(at deadline: Date, _ handler: @escaping @Sendable () -> Void) -> LeaseTimer {
        let source = DispatchSource.makeTimerSource(queue: Self.leaseQueue)
        let seconds = deadline.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let spec = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1e9))
        source.schedule(wallDeadline: DispatchWallTime(timespec: spec), leeway: .milliseconds(1))
        source.setEventHandler(handler: handler)
        source.activate()
        let box = LeaseTimerSource(source)
        return LeaseTimer { box.source.cancel() }
    }
}

/// A Dispatch source crossing into a cancellation closure (Dispatch sources are thread-safe).
private final class LeaseTimerSource: @unchecked Sendable {
    let source: any DispatchSourceTimer
    init(_ source: any DispatchSourceTimer) { self.source = source }
}
