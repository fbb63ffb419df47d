import Foundation
import JobKit
import Logging
import Testing

/// No store call from an async entry point runs on Swift's cooperative pool: each one runs
/// outside any task (on JobKit's own Dispatch queues) — whatever the body is.
@Suite struct CooperativePoolTests {
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
}
