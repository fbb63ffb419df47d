import Foundation
import JobKit
import Logging
import Synchronization
import Testing

/// What goes through the process-wide mutex (`DBMutex.bootstrap`, `withDBMutex`, `dbMutex`,
/// `job.run()`). Serialized: each test bootstraps its own mutex into the one global slot.
///
/// Among them, the proof that no store call from an async entry point runs on Swift's
/// cooperative pool: each runs outside any task (on JobKit's own Dispatch queues), whatever
/// the body is.
@Suite(.serialized) struct SharedMutexTests {
    @Test func theFreeFunctionsAndTheDecoratorUseTheBootstrappedMutex() async throws {
        let store = InMemoryLockStore()
        DBMutex.bootstrap(DBMutex(store: store, owner: "bootstrapped", heartbeat: nil, logger: .discarding))
        try Self.blockingCalls(store)
        // In async code the async forms are chosen, whatever the body.
        #expect(try await withDBMutex("free-async") { () async in 2 } == 2)
        #expect(try await withDBMutex("free-async-sync-body") { 3 } == 3)
        let asyncAdd = dbMutex("decorated-async") { (a: Int, b: Int) async in a + b }
        #expect(try await asyncAdd(4, 5) == 9)
        #expect(try await store.locks().allSatisfy { $0.status == .released })
    }

    /// The blocking forms, from code that is not async (where they compile).
    private static func blockingCalls(_ store: InMemoryLockStore) throws {
        #expect(try withDBMutex("free-sync") { 1 } == 1)
        let add = dbMutex("decorated") { (a: Int, b: Int) in a + b }
        #expect(try add(2, 3) == 5)

        // The decorated function runs under its lock: held elsewhere, it does not run.
        let other = DBMutex(store: store, owner: "elsewhere", heartbeat: nil, logger: .discarding)
        let ran = Mutex(false)
        let guarded = dbMutex("decorated-held") { ran.withLock { $0 = true } }
        try other.withLock("decorated-held") {
            _ = #expect(throws: DBMutexError.self) { try guarded() }
        }
        #expect(ran.withLock { $0 } == false)
    }

    private static func syncBody() -> Int { 7 }

    @Test func everyAsyncEntryPointKeepsStoreCallsOffThePool() async throws {
        let memory = InMemoryLockStore()
        let store = ObservedLockStore(memory)
        let mutex = DBMutex(
            store: store, owner: "pool", heartbeat: HeartbeatPolicy(interval: .milliseconds(20), window: .seconds(5)),
            logger: .discarding
        )
        DBMutex.bootstrap(mutex)

        // Synchronous bodies: in async code these take the async path, not the blocking one.
        #expect(try await withDBMutex("pool-free") { Self.syncBody() } == 7)
        #expect(try await mutex.withLock("pool-lock") { Self.syncBody() } == 7)
        #expect(try await mutex.withLease("pool-lease") { $0.token } > 0)
        let wrapped = mutex.wrap("pool-wrap") { (a: Int) async in a + 1 }
        #expect(try await wrapped(1) == 2)
        let decorated = dbMutex("pool-decorator") { (a: Int) async in a * 2 }
        #expect(try await decorated(4) == 8)
        let suppressing = mutex.wrap("pool-suppress", suppressAcquisitionErrors: true) { () async in Self.syncBody() }
        #expect(try await suppressing() == 7)
        // A body long enough for heartbeats, and a waiter that retries.
        try await mutex.withLock("pool-beats") {
            try await waitUntil("a heartbeat ran") { store.recorded.contains { $0.operation == "heartbeat" } }
        }
        let held = try #require(try memory.acquire(LockRequest(lockID: "pool-wait", owner: "other", ttl: nil, liveness: nil)).lease)
        let waiting = Task { try await mutex.withLock("pool-wait", wait: .seconds(60)) { Self.syncBody() } }
        try await waitUntil("the waiter retries") { store.recorded.filter { $0.operation == "acquire" }.count >= 10 }
        _ = memory.release(held)
        #expect(try await waiting.value == 7)
        let outcome = await PoolJob().run(using: mutex, lockID: "pool-job")
        #expect(outcome.event == .jobSucceeded)

        let calls = store.recorded
        #expect(calls.count >= 20)
        let onPool = calls.filter(\.insideTask)
        #expect(onPool.isEmpty, "store calls made on the cooperative pool: \(onPool.map(\.operation))")
    }

    private struct PoolJob: NonOverlappingJob {
        func runWorker(context: JobContext) async throws {}
    }

    @Test func aJobRunWithoutAMutexRunsUnderTheSharedOne() async throws {
        let store = InMemoryLockStore()
        DBMutex.bootstrap(DBMutex(store: store, owner: "shared", heartbeat: nil, logger: .discarding))
        let outcome = await PoolJob().run()
        #expect(outcome.event == .jobSucceeded)
        let row = try #require(try await store.locks().first)
        #expect(row.owner == "shared")
        #expect(row.lockID == PoolJob().instanceJobTypeName)
        #expect(row.status == .released)
    }
}
