import Foundation
import JobKit
import Synchronization

/// The ticks a test job ran for, shared between the job and the test.
final class TickLog: Sendable {
    private let ticks = Mutex<[Date]>([])
    func append(_ tick: Date?) { ticks.withLock { $0.append(tick ?? .distantPast) } }
    var all: [Date] { ticks.withLock { $0 } }
    var count: Int { ticks.withLock { $0.count } }
}

/// Records its tick and returns at once.
struct CountingJob: NonOverlappingJob {
    let log: TickLog
    func runWorker(context: JobContext) async throws { log.append(context.tick) }
}

/// Records its tick, then waits until the test opens the gate (or the task is cancelled).
struct GatedJob: NonOverlappingJob {
    let log: TickLog
    let gate: Gate
    func runWorker(context: JobContext) async throws {
        log.append(context.tick)
        try await gate.wait()
    }
}

/// A store that can be switched off, to show the scheduler failing closed. It wraps the
/// in-memory store; the real PostgreSQL outage is shown with a stopped server elsewhere.
final class SwitchableStore: LockStore {
    let inner = InMemoryLockStore()
    private let down = Mutex(false)
    private let calls = Mutex(0)

    struct Unreachable: Error, CustomStringConvertible { var description: String { "the store is switched off" } }

    func setDown(_ value: Bool) { down.withLock { $0 = value } }
    /// How many calls reached the store (including refused ones).
    var callCount: Int { calls.withLock { $0 } }

    private func check() throws {
        calls.withLock { $0 += 1 }
        if down.withLock({ $0 }) { throw Unreachable() }
    }

    var description: String { "switchable memory store" }
    func migrate() throws { try check() }
    func acquire(_ request: LockRequest) throws -> AcquireResult { try check(); return try inner.acquire(request) }
    func heartbeat(_ lease: Lease, window: Duration) throws -> HeartbeatResult {
        try check(); return inner.heartbeat(lease, window: window)
    }
    func release(_ lease: Lease) throws -> ReleaseResult { try check(); return inner.release(lease) }
    func locks() throws -> [LockState] { try check(); return inner.locks() }
    func forceRelease(_ lockID: String) throws -> Bool { try inner.forceRelease(lockID) }
}
