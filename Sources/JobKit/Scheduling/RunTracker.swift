import Synchronization

/// Whether a job is running in this process, and a way to wait until none is.
///
/// A fire is in progress from ``tryStart()`` to ``finish()``; its job is *running* only once
/// it holds its lock (``markLocked()``, called by the run path through ``current``). A fire
/// still waiting for the store (a connect timeout) is in progress but runs nothing, so the
/// scheduler does not call its next tick `still_running`.
final class RunTracker: Sendable {
    /// The tracker of the fire this task belongs to, for the run path to mark its lock taken.
    @TaskLocal static var current: RunTracker?

    private struct State {
        var running = 0
        var locked = false
        /// A fire of this process waits for the lock with ``OverlapPolicy/queueOne``.
        var queued = false
        var idleWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Marks a run as started unless one is already running; returns whether it may start.
    func tryStart() -> Bool {
        state.withLock { state in
            guard state.running == 0 else { return false }
            state.running += 1
            state.locked = false
            return true
        }
    }

    /// Marks a run as finished.
    func finish() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            guard state.running == 0 else { return [] }
            defer { state.idleWaiters = [:] }
            return Array(state.idleWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    var isRunning: Bool { state.withLock { $0.running > 0 } }

    /// Marks a second fire as started, queued behind the running one (``OverlapPolicy/queueOne``),
    /// unless one already waits here; returns whether it may start. End it with ``finish()``.
    func tryQueue() -> Bool {
        state.withLock { state in
            guard state.running == 1, !state.queued else { return false }
            state.running += 1
            state.queued = true
            return true
        }
    }

    /// Marks the fire in progress as the one waiting for the lock, unless one already waits here.
    func markQueued() -> Bool {
        state.withLock { state in
            guard !state.queued else { return false }
            state.queued = true
            return true
        }
    }

    /// The waiting fire got its lock, or gave up: another tick may queue.
    func endQueue() {
        state.withLock { $0.queued = false }
    }

    /// Whether a fire of this process waits for the lock to run next.
    var isQueued: Bool { state.withLock { $0.queued } }

    /// The fire in progress took its lock: its job runs.
    func markLocked() {
        state.withLock { $0.locked = true }
    }

    /// Whether a fire is in progress and its job holds its lock.
    var isRunningJob: Bool { state.withLock { $0.running > 0 && $0.locked } }

    /// Returns when no run is in progress, or when the task is cancelled.
    func idle() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.running == 0 || Task.isCancelled { return true }
                    state.idleWaiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.idleWaiters.removeValue(forKey: id) }?.resume()
        }
    }
}
