import Synchronization

/// A one-shot signal that ends every clock sleep waiting on it.
///
/// The ``Scheduler`` raises one when a graceful shutdown begins: its sleeping jobs, however
/// many, share that one shutdown handler instead of registering one each. A ``SchedulerClock``
/// with its own timers ends a sleep by cancelling the timer it armed (see
/// ``SchedulerClock/sleep(until:wakingOn:)``).
public final class WakeSignal: Sendable {
    /// What ``onRaise(_:)`` returns, to remove the callback with ``remove(_:)``.
    public struct Registration: Hashable, Sendable {
        fileprivate let id: UInt64
    }

    private struct State {
        var raised = false
        var nextID: UInt64 = 0
        var callbacks: [UInt64: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    /// Creates a signal not yet raised.
    public init() {}

    /// Whether the signal has been raised.
    public var isRaised: Bool { state.withLock { $0.raised } }

    /// Calls `wake` once when the signal is raised. Returns `nil`, without calling `wake`, when
    /// the signal already is raised.
    public func onRaise(_ wake: @escaping @Sendable () -> Void) -> Registration? {
        state.withLock { state in
            guard !state.raised else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.callbacks[id] = wake
            return Registration(id: id)
        }
    }

    /// Removes a callback that is no longer needed (its sleep ended).
    public func remove(_ registration: Registration) {
        _ = state.withLock { $0.callbacks.removeValue(forKey: registration.id) }
    }

    /// Raises the signal: calls every registered callback once. Later calls do nothing.
    public func raise() {
        let callbacks = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.raised else { return [] }
            state.raised = true
            defer { state.callbacks = [:] }
            return Array(state.callbacks.values)
        }
        for wake in callbacks { wake() }
    }

    /// Returns once the signal is raised; throws `CancellationError` if the task is cancelled first.
    func wait() async throws {
        let once = ResumeOnce<Void>()
        let registration = onRaise { once.resume(with: .success(())) }
        defer { if let registration { remove(registration) } }
        guard registration != nil else { return }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { once.arm($0) }
        } onCancel: {
            once.resume(with: .failure(CancellationError()))
        }
    }
}
