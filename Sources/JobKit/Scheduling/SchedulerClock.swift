import Dispatch
import Foundation
import Synchronization

/// The scheduler's source of time: what time it is, and a way to wait until an instant.
///
/// Production uses ``DispatchWallClock``; tests inject a clock they step by hand, so no test
/// of the scheduler sleeps in real time.
public protocol SchedulerClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Returns at `deadline` or later; throws `CancellationError` if the task is cancelled first.
    func sleep(until deadline: Date) async throws
    /// Like ``sleep(until:)``, and also throws `CancellationError` once `signal` is raised: the
    /// scheduler's jobs sleep this way, so a graceful shutdown ends every sleep through one
    /// handler. The default implementation races ``sleep(until:)`` against the signal in two
    /// child tasks; ``DispatchWallClock`` cancels its timer instead and needs no task.
    func sleep(until deadline: Date, wakingOn signal: WakeSignal) async throws
}

extension SchedulerClock {
    public func sleep(until deadline: Date, wakingOn signal: WakeSignal) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await self.sleep(until: deadline)
                return true
            }
            group.addTask {
                try await signal.wait()
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else { throw CancellationError() }
        }
    }
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
        try await sleepOnTimer(until: deadline, wakingOn: nil)
    }

    /// Sleeps on one Dispatch timer, which the signal cancels: no task besides the sleeper's.
    public func sleep(until deadline: Date, wakingOn signal: WakeSignal) async throws {
        try await sleepOnTimer(until: deadline, wakingOn: signal)
    }

    private func sleepOnTimer(until deadline: Date, wakingOn signal: WakeSignal?) async throws {
        let timer = TimerBox(DispatchSource.makeTimerSource(flags: .strict, queue: Self.queue))
        defer {
            if let signal, let registration = timer.registration.withLock({ $0 }) { signal.remove(registration) }
        }
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
                if let signal {
                    // Registered once the timer is active, so the signal only ever cancels an active timer.
                    let registration = signal.onRaise { timer.source.cancel() }
                    timer.registration.withLock { $0 = registration }
                    if registration == nil { timer.source.cancel() }
                }
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
    /// The wake signal's callback for this timer, once registered.
    let registration = Mutex<WakeSignal.Registration?>(nil)
    init(_ source: any DispatchSourceTimer) { self.source = source }
}
