import Synchronization

/// What happens to one job run from outside its worker: the lease lost, the run cancelled.
///
/// Shared by the run, its ``JobContext`` (any copy, from any task) and the lease keeper's
/// `whenLost` callback, which runs on the keeper's queue.
final class JobSignals: Sendable {
    private struct State {
        var loss: LeaseLoss?
        var cancelled = false
        /// Set when the worker's task must be cancelled; wakes ``cancellationRequested()``.
        var cancelRequested = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    init() {}

    var isLeaseLost: Bool { state.withLock { $0.loss != nil } }
    var isCancelled: Bool { state.withLock { $0.cancelled } }
    var loss: LeaseLoss? { state.withLock { $0.loss } }

    /// The heartbeat found the lease gone. When `cancel` is set, the run is marked cancelled
    /// and ``cancellationRequested()`` returns, in that order.
    func leaseLost(_ loss: LeaseLoss, cancel: Bool) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.loss = loss
            guard cancel else { return nil }
            state.cancelled = true
            state.cancelRequested = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The caller's task was cancelled (the scheduler is shutting down, say).
    func markCancelled() {
        state.withLock { $0.cancelled = true }
    }

    /// Returns when the worker's task must be cancelled because the lease was lost, or when
    /// the calling task is cancelled (the worker finished first).
    func cancellationRequested() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.cancelRequested || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
