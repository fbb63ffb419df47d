import Dispatch
import Foundation

/// The scheduler's source of time: what time it is, and a way to wait until an instant.
///
/// Production uses ``DispatchWallClock``; tests inject a clock they step by hand, so no test
/// of the scheduler sleeps in real time.
public protocol SchedulerClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Returns at `deadline` or later; throws `CancellationError` if the task is cancelled first.
    func sleep(until deadline: Date) async throws
}

/// Wall-clock time with Dispatch timers set on absolute deadlines (`DispatchWallTime`), so a
/// chain of timers never accumulates drift: each deadline is computed from the schedule, not
/// from when the previous timer fired.
public struct DispatchWallClock: SchedulerClock {
    private static let queue = DispatchQueue(label: "jobkit.scheduler.timers", attributes: .concurrent)

    /// Creates the clock.
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let timer = TimerBox(DispatchSource.makeTimerSource(flags: .strict, queue: Self.queue))
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let once = ResumeOnce(continuation)
                timer.source.setEventHandler { once.resume(with: .success(())) }
                timer.source.setCancelHandler { once.resume(with: .failure(CancellationError())) }
                let seconds = deadline.timeIntervalSince1970
                let whole = seconds.rounded(.down)
                let spec = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1e9))
                timer.source.schedule(wallDeadline: DispatchWallTime(timespec: spec), leeway: .nanoseconds(0))
                timer.source.activate()
                if Task.isCancelled { timer.source.cancel() }
            }
        } onCancel: {
            timer.source.cancel()
        }
        timer.source.cancel()
    }
}

/// A Dispatch source crossing into a cancellation handler (Dispatch sources are thread-safe).
private final class TimerBox: @unchecked Sendable {
    let source: any DispatchSourceTimer
    init(_ source: any DispatchSourceTimer) { self.source = source }
}
