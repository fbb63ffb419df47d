import Foundation
import JobKit
import Logging
import Synchronization
import Testing

/// A holder paused with its virtual machine: the monotonic clock stalls while the wall clock
/// (and the database's) moves on. Heartbeats run on wall time, so on waking the missed beat is
/// due at once, and the paused holder behaves like one stopped with SIGSTOP: it keeps its lock
/// when it beats first, and reports `lock.lost` at once when another process took it over.
@Suite struct LeaseClockTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)
    private let policy = HeartbeatPolicy(interval: .seconds(1), window: .seconds(3))

    private func mutex(_ store: InMemoryLockStore, _ clock: PausableTestClock, _ recorder: EventRecorder) -> DBMutex {
        var mutex = DBMutex(store: store, owner: "paused", ttl: .seconds(600), heartbeat: policy, logger: recorder.logger())
        mutex.leaseClock = clock
        return mutex
    }

    private func newcomer(_ lockID: String) -> LockRequest {
        LockRequest(lockID: lockID, owner: "newcomer", ttl: .seconds(600), liveness: .seconds(3))
    }

    /// The keeper's expiry alarm may run late (a loaded machine); when the release finds the
    /// TTL run out first, `lock.expired` is still reported, before the caller sees the
    /// timeout, and the `whenExpired` callback (for a body still running) is not called.
    @Test func aReleaseThatFindsTheTTLRunOutBeforeTheAlarmStillReportsLockExpired() async throws {
        let clock = PausableTestClock(start)
        let store = InMemoryLockStore(clock: clock)
        let recorder = EventRecorder()
        var mutex = DBMutex(store: store, owner: "late-alarm", ttl: .seconds(5), heartbeat: nil, logger: recorder.logger())
        mutex.leaseClock = clock
        let called = Mutex(false)
        let error = await #expect(throws: DBMutexTimeoutError.self) {
            try await mutex.withLease("late-alarm", whenExpired: { called.withLock { $0 = true } }) { _ in
                clock.pause(for: .seconds(6), fire: false)   // the TTL passes; its alarm has not run
            }
        }
        #expect(error?.expiredAt != nil)
        let expired = try #require(recorder.first(.lockExpired), "\(recorder.records)")
        #expect(expired["lock_id"] == "late-alarm" && expired["expired_at"] != nil)
        #expect(expired.level == .warning)
        #expect(!called.withLock { $0 })
        #expect(recorder.events(.lockExpired).count == 1)
    }

    @Test func aPausedHolderWhoseLockWasTakenReportsLockLostOnWakingWithoutMonotonicTime() async throws {
        let clock = PausableTestClock(start)
        let store = InMemoryLockStore(clock: clock)
        let recorder = EventRecorder()
        let lost = Mutex<LeaseLoss?>(nil)
        var taker: Lease?
        var monotonicAtPause: Duration = .zero
        let mutex = mutex(store, clock, recorder)
        let error = try await #require(throws: DBMutexTimeoutError.self) {
            try await mutex.withLease("vm-pause-taken", whenLost: { loss in
                lost.withLock { $0 = loss }
            }) { _ in
                // Two beats on time keep the lease alive.
                clock.run(for: .milliseconds(2500))
                #expect(try store.acquire(newcomer("vm-pause-taken")).lease == nil)

                // The VM is paused for 5 s, longer than the 3 s window. On waking, another
                // process gets to the database first and finds the holder dead...
                monotonicAtPause = clock.monotonic
                clock.pause(for: .seconds(5), fire: false)
                let lease = try #require(try store.acquire(newcomer("vm-pause-taken")).lease)
                taker = lease
                #expect(recorder.first(.lockLost) == nil)
                // ...and the paused holder's missed beat is due at once: no monotonic time passes.
                clock.fireDue()
                #expect(clock.monotonic == monotonicAtPause)
                #expect(recorder.first(.lockLost) != nil)
            }
        }
        let event = try #require(recorder.first(.lockLost))
        #expect(event["holder"] == "newcomer")
        #expect(event.integer("holder_token") == taker?.token)
        #expect(lost.withLock { $0 }?.newHolder?.owner == "newcomer")
        #expect(error.overlapped)
    }

    @Test func aPausedHolderThatBeatsFirstKeepsItsLock() throws {
        let clock = PausableTestClock(start)
        let store = InMemoryLockStore(clock: clock)
        let recorder = EventRecorder()
        try mutex(store, clock, recorder).withLock("vm-pause-kept") {
            clock.run(for: .milliseconds(1500))
            let monotonicAtPause = clock.monotonic
            // Paused 5 s; on waking the holder's beat runs before anyone else's acquire.
            clock.pause(for: .seconds(5))
            #expect(clock.monotonic == monotonicAtPause)
            let refusal = try #require(try store.acquire(newcomer("vm-pause-kept")).refusal)
            #expect(refusal.holder?.owner == "paused")
            // One beat on waking, not one per missed interval; the next is on the next boundary.
            #expect(clock.pendingCount == 2, "the next beat and the TTL's expiry")
        }
        #expect(recorder.first(.lockLost) == nil)
        #expect(store.locks().first?.status == .released)
    }
}
