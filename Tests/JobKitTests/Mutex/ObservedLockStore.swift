import Foundation
@_spi(Testing) import JobKit
import Synchronization

/// A real store (the memory store) seen through a window: each call is passed on unchanged,
/// and the window records which operation ran, whether it ran inside a Swift task (that is,
/// on a thread of the cooperative pool: code on that pool always runs as part of a task).
final class ObservedLockStore: LockStore {
    struct Call: Sendable {
        var operation: String
        var insideTask: Bool
    }

    let inner: InMemoryLockStore
    private let calls = Mutex<[Call]>([])

    init(_ inner: InMemoryLockStore) { self.inner = inner }

    var description: String { "observed \(inner.description)" }
    var recorded: [Call] { calls.withLock { $0 } }
    var acquires: Int { recorded.filter { $0.operation == "acquire" }.count }

    private func record(_ operation: String) {
        let insideTask = withUnsafeCurrentTask { $0 != nil }
        calls.withLock { $0.append(Call(operation: operation, insideTask: insideTask)) }
    }

    func migrate() throws { record("migrate") }

    func acquire(_ request: LockRequest) throws -> AcquireResult {
        record("acquire")
        return try inner.acquire(request)
    }

    func heartbeat(_ lease: Lease, window: Duration) throws -> HeartbeatResult {
        record("heartbeat")
        return inner.heartbeat(lease, window: window)
    }

    func release(_ lease: Lease) throws -> ReleaseResult {
        record("release")
        return inner.release(lease)
    }

    func locks() throws -> [LockState] {
        record("locks")
        return inner.locks()
    }

    func forceRelease(_ lockID: String) throws -> Bool {
        record("forceRelease")
        return try inner.forceRelease(lockID)
    }
}
