import Synchronization

/// Whether a job is running in this process, and a way to wait until none is.
final class RunTracker: Sendable {
    private struct State {
        var running = 0
        var idleWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Marks a run as started unless one is already running; returns whether it may start.
    func tryStart() -> Bool {
        state.withLock { state in
            guard state.running == 0 else { return false }
            state.running += 1
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
