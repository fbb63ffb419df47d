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
    /// Like ``sleep(until:)``, and also throws `CancellationError` once `signal` is raised: the
    /// scheduler's jobs sleep this way, so a graceful shutdown ends every sleep through one
    /// handler. The default implementation races ``sleep(until:)`` against the signal in two
    /// child tasks; ``DispatchWallClock`` cancels its timer instead and needs no task.
    func sleep(until deadline: Date, wakingOn signal: WakeSignal) async throws
}

extension SchedulerClock {
    /// Sleeps like ``sleep(until:)`` in one child task while another waits for `signal`; the
    /// first to finish cancels the other. Throws `CancellationError` when the signal won.
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

/// Wall-clock time with timers set on absolute deadlines (`DispatchWallTime`), so a chain of
/// timers never accumulates drift: each deadline is computed from the schedule, not from when
/// the previous timer fired.
///
/// Every sleep of the process shares one strict Dispatch timer (a heap of deadlines behind it):
/// a sleeping job costs a heap entry and its suspended task, not a Dispatch source.
public struct DispatchWallClock: SchedulerClock {
    /// Creates the clock.
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        try await sleepOnAlarm(until: deadline, wakingOn: nil)
    }

    /// Sleeps on the shared timer; the signal removes the alarm and resumes the sleeper, so
    /// no task besides the sleeper's is involved.
    public func sleep(until deadline: Date, wakingOn signal: WakeSignal) async throws {
        try await sleepOnAlarm(until: deadline, wakingOn: signal)
    }

    private func sleepOnAlarm(until deadline: Date, wakingOn signal: WakeSignal?) async throws {
        let once = ResumeOnce<Void>()
        let alarms = AlarmClock.scheduler
        let alarm = alarms.set(at: AlarmClock.nanoseconds(deadline)) { once.resume(with: .success(())) }
        let registration = signal?.onRaise { once.resume(with: .failure(CancellationError())) }
        defer {
            alarms.cancel(CollectionOfOne(alarm))
            if let signal, let registration { signal.remove(registration) }
        }
        if signal != nil && registration == nil { throw CancellationError() }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { once.arm($0) }
        } onCancel: {
            once.resume(with: .failure(CancellationError()))
        }
    }
}
