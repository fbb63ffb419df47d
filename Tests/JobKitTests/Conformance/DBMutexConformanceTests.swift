import Foundation
import JobKit
import Testing

/// `DBMutex.withLock`, sync and async, through every store: the errors a caller sees.
@Suite struct DBMutexConformanceTests {
    struct BodyFailed: Error, Equatable {}

    /// The two forms of `withLock`, so each test runs both.
    enum Form: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sync, async
        var testDescription: String { rawValue }
    }

    /// Runs `body` under `mutex.withLock(id)` in `form`; the sync form runs on a Dispatch
    /// thread and its body polls with ``waitUntilBlocking(_:timeout:sourceLocation:_:)``.
    private func withLock<R: Sendable>(
        _ form: Form, _ mutex: DBMutex, _ id: String, ttl: LockTTL? = nil,
        _ body: @escaping @Sendable () throws -> R
    ) async throws -> R {
        switch form {
        case .sync:
            return try await offPool { try mutex.withLock(id, ttl: ttl) { try body() } }
        case .async:
            return try await mutex.withLock(id, ttl: ttl) { try await offPool(body) }
        }
    }

    /// Waits (blocking) until `id` reads `status` on `store`.
    private static func waitForStatus(_ status: LockState.Status, of id: String, in store: any LockStore) throws {
        try waitUntilBlocking("\(id) is \(status)") {
            try store.locks().first { $0.lockID == id }?.status == status
        }
    }

    @Test(arguments: StoreKind.all, Form.allCases)
    func withLockRunsTheBodyAndReleases(_ kind: StoreKind, _ form: Form) async throws {
        try await kind.withStore { store in
            let id = store.id("run")
            let lockStore = store.store
            let value = try await withLock(form, store.mutex(owner: "alpha"), id) {
                try lockStore.locks().first { $0.lockID == id }?.status
            }
            #expect(value == .held, "the body runs while the lock is held")
            #expect(try await store.lock(id)?.status == .released)
        }
    }

    @Test(arguments: StoreKind.all, Form.allCases)
    func withLockOnAHeldLockThrowsWithoutRunningTheBody(_ kind: StoreKind, _ form: Form) async throws {
        try await kind.withStore { store in
            let id = store.id("busy")
            let lease = try await store.acquired(id, owner: "beta")
            let ran = Box<Bool>()
            let error = await #expect(throws: DBMutexError.self) {
                try await withLock(form, store.mutex(owner: "alpha"), id) { ran.value = true }
            }
            #expect(error?.holder?.owner == "beta")
            #expect(error?.holder?.token == lease.token)
            #expect(ran.value == nil)
        }
    }

    @Test(arguments: StoreKind.all, Form.allCases)
    func bodyOutlivingItsTTLAloneThrowsTimeoutWithoutOverlap(_ kind: StoreKind, _ form: Form) async throws {
        try await kind.withStore { store in
            let id = store.id("late")
            let lockStore = store.store
            let error = await #expect(throws: DBMutexTimeoutError.self) {
                try await withLock(form, store.mutex(owner: "alpha"), id, ttl: .duration(.milliseconds(300))) {
                    try Self.waitForStatus(.expired, of: id, in: lockStore)
                }
            }
            #expect(error?.overlapped == false)
            #expect(error?.newHolder == nil)
            #expect(error?.lockID == id)
            #expect(error?.ttl == .milliseconds(300))
            let row = try #require(try await store.lock(id))
            #expect(error?.token == row.token)
            #expect(error?.expiredAt.map(micros) == row.expiresAt.map(micros))
            #expect(row.status == .released)
        }
    }

    @Test(arguments: StoreKind.all, Form.allCases)
    func bodyOverlappedByATakeoverThrowsTimeoutNamingTheNewHolder(_ kind: StoreKind, _ form: Form) async throws {
        try await kind.withStore { store in
            let id = store.id("overlap")
            let lockStore = store.store
            let taken = Box<Lease>()
            let error = await #expect(throws: DBMutexTimeoutError.self) {
                try await withLock(form, store.mutex(owner: "alpha"), id, ttl: .duration(.milliseconds(300))) {
                    try Self.waitForStatus(.expired, of: id, in: lockStore)
                    let request = LockRequest(lockID: id, owner: "beta", ttl: .seconds(3600), liveness: nil)
                    taken.value = try lockStore.acquire(request).lease
                }
            }
            let takeover = try #require(taken.value)
            #expect(takeover.recovered?.reason == .expired)
            #expect(takeover.recovered?.previous.owner == "alpha")
            #expect(error?.overlapped == true)
            #expect(error?.newHolder?.owner == "beta")
            #expect(error?.newHolder?.token == takeover.token)
            #expect((error?.token ?? .max) < takeover.token)
            #expect(try await store.lock(id)?.status == .held, "the new holder keeps the lock")
        }
    }

    @Test(arguments: StoreKind.all, Form.allCases)
    func bodyErrorWinsOverTheTimeout(_ kind: StoreKind, _ form: Form) async throws {
        try await kind.withStore { (store) async throws in
            let id = store.id("both")
            let lockStore = store.store
            await #expect(throws: BodyFailed.self) {
                try await withLock(form, store.mutex(owner: "alpha"), id, ttl: .duration(.milliseconds(300))) {
                    try Self.waitForStatus(.expired, of: id, in: lockStore)
                    throw BodyFailed()
                }
            }
            #expect(try await store.lock(id)?.status == .released)
        }
    }

    @Test(arguments: StoreKind.all)
    func heartbeatsKeepALeaseAlivePastItsWindow(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("alive")
            let window = Duration.seconds(1)
            let mutex = store.mutex(owner: "alpha", heartbeat: HeartbeatPolicy(interval: .milliseconds(100), window: window))
            try await mutex.withLease(id) { lease in
                let firstDeadline = try #require(lease.aliveUntil)
                // A beat landed after the first deadline had passed, and was accepted.
                try await waitUntil("a heartbeat extends the lease past its first window") {
                    guard let aliveUntil = try await store.lock(id)?.aliveUntil else { return false }
                    return aliveUntil >= firstDeadline.plus(window)
                }
                let holder = try await store.refusedAsHeld(id, owner: "beta")
                #expect(holder.token == lease.token)
            }
            #expect(try await store.lock(id)?.status == .released)
        }
    }

    @Test(arguments: StoreKind.all)
    func aHeartbeatFindingTheLeaseTakenOverCallsWhenLostWithTheNewHolder(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("lost")
            let mutex = store.mutex(
                owner: "alpha", ttl: .duration(.milliseconds(300)),
                heartbeat: HeartbeatPolicy(interval: .milliseconds(50), window: .seconds(5))
            )
            let lostTo = Box<LeaseLoss>()
            let taken = Box<Lease>()
            let error = await #expect(throws: DBMutexTimeoutError.self, "the section overlapped with beta's") {
                try await mutex.withLease(id, whenLost: { lostTo.value = $0 }) { _ in
                    // Beats keep it alive but not past its TTL; once that passes, beta takes over.
                    try await waitUntil("the TTL passes") { try await store.lock(id)?.status == .expired }
                    taken.value = try await store.acquired(id, owner: "beta")
                    try await waitUntil("the next heartbeat reports the lease lost") { lostTo.value != nil }
                }
            }
            let takeover = try #require(taken.value)
            #expect(lostTo.value?.newHolder?.owner == "beta")
            #expect(lostTo.value?.newHolder?.token == takeover.token)
            #expect(lostTo.value?.newHolderReleased == false)
            #expect(error?.overlapped == true)
            #expect(error?.newHolder?.token == takeover.token)
            #expect(error?.reason == "taken_over")
            #expect(error?.description.contains("beta took it over with token \(takeover.token) and still holds it") == true)
            #expect(try await store.lock(id)?.status == .held, "the new holder keeps the lock")
        }
    }

    @Test(arguments: StoreKind.all)
    func aHeartbeatFindingTheLeaseForceReleasedCallsWhenLostWithNobody(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("forced")
            let mutex = store.mutex(owner: "alpha", heartbeat: HeartbeatPolicy(interval: .milliseconds(50), window: .seconds(5)))
            let lostTo = Box<LeaseLoss>()
            let error = await #expect(throws: DBMutexTimeoutError.self, "a lease lost while the body ran ends the block") {
                try await mutex.withLease(id, whenLost: { lostTo.value = $0 }) { _ in
                    #expect(try await store.forceRelease(id))
                    try await waitUntil("the next heartbeat reports the lease lost") { lostTo.value != nil }
                }
            }
            #expect(lostTo.value?.isForceReleased == true)
            #expect(lostTo.value?.newHolder == nil, "force-released: there is no holder to name")
            #expect(error?.overlapped == false, "nobody took it over")
            #expect(error?.forceReleased == true)
            #expect(error?.reason == "force_released")
            #expect(error?.description.contains("force-released by an operator") == true)
            #expect(error?.description.contains("outlived its TTL") == false)
            let row = try await store.lock(id)
            #expect(row?.status == .released)
        }
    }
}
