import Foundation
import JobKit
import Synchronization

/// The in-memory store with acquires that can be made to hang, as they do while a connect
/// times out against an unresponsive database.
final class StallingStore: LockStore {
    let inner = InMemoryLockStore()
    private let stalled = Mutex(false)
    private let waiting = Mutex(0)
    private let release = DispatchSemaphore(value: 0)

    /// From now on, acquires wait until ``resume()``.
    func stall() { stalled.withLock { $0 = true } }

    /// Lets every waiting acquire go on, and later ones pass.
    func resume() {
        stalled.withLock { $0 = false }
        for _ in 0..<waiting.withLock({ $0 }) { release.signal() }
    }

    /// How many acquires wait.
    var waitingCount: Int { waiting.withLock { $0 } }

    var description: String { "stalling memory store" }
    func migrate() throws {}
    func acquire(_ request: LockRequest) throws -> AcquireResult {
        if stalled.withLock({ $0 }) {
            waiting.withLock { $0 += 1 }
            release.wait()
            waiting.withLock { $0 -= 1 }
        }
        return try inner.acquire(request)
    }
    func heartbeat(_ lease: Lease, window: Duration) throws -> HeartbeatResult { inner.heartbeat(lease, window: window) }
    func release(_ lease: Lease) throws -> ReleaseResult { inner.release(lease) }
    func locks() throws -> [LockState] { inner.locks() }
    func forceRelease(_ lockID: String) throws -> Bool { try inner.forceRelease(lockID) }
}
