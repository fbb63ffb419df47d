import Foundation
import JobKit
import Synchronization

/// The in-memory store, recording how each claim and release reached it: alone, or in a
/// batch of some size.
final class BatchCountingStore: LockStore {
    let inner = InMemoryLockStore()
    private let counts = Mutex((singleAcquires: 0, acquireBatches: [Int](), singleReleases: 0, releaseBatches: [Int]()))

    var singleAcquires: Int { counts.withLock { $0.singleAcquires } }
    var acquireBatches: [Int] { counts.withLock { $0.acquireBatches } }
    var singleReleases: Int { counts.withLock { $0.singleReleases } }
    var releaseBatches: [Int] { counts.withLock { $0.releaseBatches } }

    var description: String { "batch-counting memory store" }
    func migrate() throws {}
    func acquire(_ request: LockRequest) throws -> AcquireResult {
        counts.withLock { $0.singleAcquires += 1 }
        return try inner.acquire(request)
    }
    func acquire(batch requests: [LockRequest]) -> [Result<AcquireResult, any Error>] {
        counts.withLock { $0.acquireBatches.append(requests.count) }
        return inner.acquire(batch: requests)
    }
    func heartbeat(_ lease: Lease, window: Duration) throws -> HeartbeatResult { inner.heartbeat(lease, window: window) }
    func release(_ lease: Lease) throws -> ReleaseResult { try release(lease, ending: nil) }
    func release(_ lease: Lease, ending run: RunEnd?) throws -> ReleaseResult {
        counts.withLock { $0.singleReleases += 1 }
        return inner.release(lease, ending: run)
    }
    func release(batch releases: [LockRelease]) -> [Result<ReleaseResult, any Error>] {
        counts.withLock { $0.releaseBatches.append(releases.count) }
        return inner.release(batch: releases)
    }
    func runs(of job: String, limit: Int) throws -> [RunRecord] { inner.runs(of: job, limit: limit) }
    func locks() throws -> [LockState] { inner.locks() }
    func forceRelease(_ lockID: String) throws -> Bool { try inner.forceRelease(lockID) }
}
