import Foundation
import JobKit
import Logging
import Synchronization
import Testing

/// `wait:`: a busy lock is retried with backoff until it frees or the wait, judged on the
/// store's clock, runs out; cancelling the task ends the wait.
@Suite struct WaitingForALockTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func hold(_ store: InMemoryLockStore, _ lockID: String) throws -> Lease {
        try #require(try store.acquire(LockRequest(lockID: lockID, owner: "holder", ttl: .seconds(3600), liveness: nil)).lease)
    }

    @Test func theWaitIsJudgedOnTheStoresClockAndTheErrorSaysHowLongItWaited() async throws {
        let clock = ManualLockClock(start)
        let memory = InMemoryLockStore(clock: clock)
        let store = ObservedLockStore(memory)
        _ = try hold(memory, "judged")
        let mutex = DBMutex(store: store, owner: "waiter", heartbeat: nil, logger: .discarding)

        let waiting = Task { try await mutex.withLock("judged", wait: .seconds(30)) { "ran" } }
        try await waitUntil("the waiter is refused and retries") { store.acquires >= 3 }
        // Real time barely moved; on the store's clock, 30 s pass: the wait is over.
        clock.advance(by: .seconds(30))
        let result = await waiting.result
        guard case .failure(let failure) = result, let refusal = failure as? DBMutexError else {
            Issue.record("expected DBMutexError, got \(result)")
            return
        }
        #expect(refusal.waited == .seconds(30))
        #expect(refusal.holder?.owner == "holder")
        #expect(refusal.description.contains("Gave up after waiting 30 s for it."))
    }

    @Test func anAsyncWaiterTakesTheLockOnceItIsReleased() async throws {
        let memory = InMemoryLockStore()
        let store = ObservedLockStore(memory)
        let held = try hold(memory, "async-wait")
        let mutex = DBMutex(store: store, owner: "waiter", heartbeat: nil, logger: .discarding)

        let waiting = Task { try await mutex.withLease("async-wait", wait: .seconds(60)) { $0 } }
        try await waitUntil("the waiter is refused and retries") { store.acquires >= 2 }
        #expect(memory.release(held) == .released)
        let lease = try await waiting.value
        #expect(lease.token > held.token)
        #expect(lease.owner == "waiter")
    }

    @Test func aBlockingWaiterTakesTheLockOnceItIsReleased() async throws {
        let memory = InMemoryLockStore()
        let store = ObservedLockStore(memory)
        let held = try hold(memory, "sync-wait")
        let mutex = DBMutex(store: store, owner: "waiter", heartbeat: nil, logger: .discarding)

        let waiting = Task.detached { try Self.blockingWait(mutex, "sync-wait") }
        try await waitUntil("the waiter is refused and retries") { store.acquires >= 2 }
        #expect(memory.release(held) == .released)
        #expect(try await waiting.value > held.token)
    }

    private static func blockingWait(_ mutex: DBMutex, _ lockID: String) throws -> Int64 {
        try mutex.withLease(lockID, wait: .seconds(60)) { $0.token }
    }

    @Test func cancellingTheTaskEndsTheWaitWithoutRunningTheBody() async throws {
        let memory = InMemoryLockStore()
        let store = ObservedLockStore(memory)
        _ = try hold(memory, "cancelled")
        let mutex = DBMutex(store: store, owner: "waiter", heartbeat: nil, logger: .discarding)
        let ran = Mutex(false)

        let waiting = Task { try await mutex.withLock("cancelled", wait: .seconds(3600)) { ran.withLock { $0 = true } } }
        try await waitUntil("the waiter is refused and retries") { store.acquires >= 2 }
        waiting.cancel()
        let result = await waiting.result
        guard case .failure(let error) = result, error is CancellationError else {
            Issue.record("expected CancellationError, got \(result)")
            return
        }
        #expect(ran.withLock { $0 } == false)
    }

    @Test func aTickThatAlreadyRanIsNotWaitedFor() async throws {
        let memory = InMemoryLockStore()
        let store = ObservedLockStore(memory)
        let mutex = DBMutex(store: store, owner: "waiter", heartbeat: nil, logger: .discarding)
        let tick = Date(timeIntervalSince1970: 1_800_000_060)
        try await mutex.withLock("ran", tick: tick) {}
        let before = store.acquires
        let refusal = await #expect(throws: DBMutexError.self) {
            try await mutex.withLock("ran", tick: tick, wait: .seconds(3600)) {}
        }
        #expect(refusal?.reason.alreadyRan != nil)
        #expect(store.acquires == before + 1, "one try: waiting cannot make an old tick new")
    }

    @Test func aJobWaitsForItsLockToo() async throws {
        let memory = InMemoryLockStore()
        let store = ObservedLockStore(memory)
        let held = try hold(memory, "job-wait")
        let mutex = DBMutex(store: store, owner: "waiter", heartbeat: nil, logger: .discarding)

        let running = Task { await WaitingJob().run(using: mutex, lockID: "job-wait", wait: .seconds(60)) }
        try await waitUntil("the job is refused and retries") { store.acquires >= 2 }
        #expect(memory.release(held) == .released)
        guard case .succeeded = await running.value else {
            Issue.record("expected the job to run once the lock was released")
            return
        }
    }

    @Test func aJobThatGivesUpWaitingIsSkippedSayingHowLongItWaited() async throws {
        let clock = ManualLockClock(start)
        let memory = InMemoryLockStore(clock: clock)
        let store = ObservedLockStore(memory)
        _ = try hold(memory, "job-gives-up")
        let mutex = DBMutex(store: store, owner: "waiter", heartbeat: nil, logger: .discarding)

        // A budget far beyond any stall of a loaded machine: the waiter also gives up after
        // twice its budget on the local clock, whatever the store's clock says.
        let running = Task { await WaitingJob().run(using: mutex, lockID: "job-gives-up", wait: .seconds(600)) }
        try await waitUntil("the job is refused and retries") { store.acquires >= 2 }
        clock.advance(by: .seconds(600))
        guard case .skipped(let reason) = await running.value else {
            Issue.record("expected a skip")
            return
        }
        #expect(reason.holder?.owner == "holder")
    }

    @Test func aJobCancelledWhileWaitingIsSkippedAsStoppingWithoutRunning() async throws {
        let memory = InMemoryLockStore()
        let store = ObservedLockStore(memory)
        _ = try hold(memory, "job-cancelled")
        let recorder = EventRecorder()
        let mutex = DBMutex(store: store, owner: "waiter", heartbeat: nil, logger: recorder.logger())

        let running = Task { await WaitingJob().run(using: mutex, lockID: "job-cancelled", wait: .seconds(3600)) }
        try await waitUntil("the job is refused and retries") { store.acquires >= 2 }
        running.cancel()
        guard case .skipped(let reason) = await running.value else {
            Issue.record("expected the run to be skipped")
            return
        }
        #expect(reason.name == "stopping")
        #expect(recorder.records.compactMap(\.event) == [.jobSkipped], "never started, and nothing failed")
    }

    private struct WaitingJob: NonOverlappingJob {
        func runWorker(context: JobContext) async throws {}
    }
}
