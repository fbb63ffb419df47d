import Foundation
@_spi(Testing) import JobKit
import Synchronization

/// The memory store, counting the control polls that reach it and the jobs each asked about.
final class ControlCountingStore: LockStore {
    let inner: InMemoryLockStore
    private let polls = Mutex<[[String]]>([])

    init(_ inner: InMemoryLockStore) { self.inner = inner }

    var description: String { "counting \(inner.description)" }
    /// The job names of each poll, in order.
    var polled: [[String]] { polls.withLock { $0 } }

    func migrate() throws {}
    func acquire(_ request: LockRequest) throws -> AcquireResult { try inner.acquire(request) }
    func heartbeat(_ lease: Lease, window: Duration) throws -> HeartbeatResult { inner.heartbeat(lease, window: window) }
    func release(_ lease: Lease) throws -> ReleaseResult { inner.release(lease) }
    func release(_ lease: Lease, ending run: RunEnd?) throws -> ReleaseResult { inner.release(lease, ending: run) }
    func runs(of job: String, limit: Int) throws -> [RunRecord] { inner.runs(of: job, limit: limit) }
    func locks() throws -> [LockState] { inner.locks() }
    func forceRelease(_ lockID: String) throws -> Bool { try inner.forceRelease(lockID) }
    func requestTrigger(_ job: String, by who: String) throws -> TriggerRequest { inner.requestTrigger(job, by: who) }
    func triggerRequest(_ id: Int64) throws -> TriggerRequest? { inner.triggerRequest(id) }

    func controls(for jobs: [String], seenBy owner: String) throws -> ControlSnapshot {
        polls.withLock { $0.append(jobs) }
        return inner.controls(for: jobs, seenBy: owner)
    }
}
