import Foundation
import JobKit
import Synchronization

/// The in-memory store with acquires that can be made to hang, as they do while a connect
/// times out against an unresponsive database.
final class StallingStore: LockStore {
    let inner = InMemoryLockStore()
    /// Whether acquires stall, and how many wait now: one lock for both, so a resume never
    /// misses an acquire that is just starting to wait.
    private let state = Mutex((stalled: false, waiting: 0))
    private let release = DispatchSemaphore(value: 0)

    /// From now on, acquires wait until ``resume()``.
    func stall() { state.withLock { $0.stalled = true } }

    /// Lets every waiting acquire go on, and later ones pass. Safe to call again.
    func resume() {
        let waiting = state.withLock { state in
            defer { state = (stalled: false, waiting: 0) }
            return state.waiting
        }
        for _ in 0..<waiting { release.signal() }
    }

    /// How many acquires wait.
    var waitingCount: Int { state.withLock { $0.waiting } }

    var description: String { "stalling memory store" }
    func migrate() throws {}
    func acquire(_ request: LockRequest) throws -> AcquireResult {
        let mustWait = state.withLock { state in
            guard state.stalled else { return false }
            state.waiting += 1
            return true
        }
        if mustWait { release.wait() }
        return try inner.acquire(request)
    }
    func heartbeat(_ lease: Lease, window: Duration) throws -> HeartbeatResult { inner.heartbeat(lease, window: window) }
    func release(_ lease: Lease) throws -> ReleaseResult { inner.release(lease) }
    func locks() throws -> [LockState] { inner.locks() }
    func forceRelease(_ lockID: String) throws -> Bool { try inner.forceRelease(lockID) }
}
