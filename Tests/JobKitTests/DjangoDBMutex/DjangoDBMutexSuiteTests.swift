import Foundation
@_spi(Testing) import JobKit
import Synchronization
import Testing

/// django-db-mutex's own test suite (`db_mutex/tests/db_mutex_tests.py`: 8 cases, each as a
/// context manager and as a decorator) re-expressed against JobKit, on the memory store with a
/// manual clock standing in for `freeze_time`. Cases 1, 2, 4 and 8 run on PostgreSQL too
/// (``DjangoDBMutexPostgresTests``).
///
/// "A lock created before" (`DBMutex.objects.create(lock_id='lock_id')`) is another owner's
/// acquisition at 2014-02-01 with the TTL the test configures. django deletes rows on release;
/// JobKit keeps them, released, so "no lock after" reads "released".
@Suite struct DjangoDBMutexSuiteTests {
    private static let frozen = Date(timeIntervalSince1970: 1_391_212_800)   // 2014-02-01 00:00:00 UTC

    private struct Fixture {
        let clock = ManualLockClock(DjangoDBMutexSuiteTests.frozen)
        let store: InMemoryLockStore
        init() { store = InMemoryLockStore(clock: clock) }

        func mutex(_ owner: String = "test", ttl: LockTTL = .default) -> DBMutex {
            DBMutex(store: store, owner: owner, ttl: ttl, heartbeat: nil, logger: .discarding)
        }

        /// `DBMutex.objects.create(lock_id=…)` at the frozen time: another owner holds it.
        func lockCreatedBefore(_ lockID: String, ttl: LockTTL = .default) throws -> Lease {
            let request = LockRequest(lockID: lockID, owner: "created-before", ttl: try ttl.resolve(environment: [:]), liveness: nil)
            return try #require(try store.acquire(request).lease)
        }

        /// `freeze_time` at the frozen time plus `offset`.
        func at(_ offset: Duration) {
            clock.set(DjangoDBMutexSuiteTests.frozen)
            clock.advance(by: offset)
        }
        func row(_ lockID: String) -> LockState? { store.locks().first { $0.lockID == lockID } }
    }

    // 1. test_no_lock_before
    @Test(arguments: DjangoForm.allCases)
    func noLockBefore(_ form: DjangoForm) throws {
        let fixture = Fixture()
        #expect(fixture.store.locks().isEmpty)
        try form.locked(fixture.mutex(), "lock_id") {
            let row = try #require(fixture.row("lock_id"))
            #expect(row.status == .held)
            #expect(row.acquiredAt == Self.frozen)
        }
        #expect(fixture.row("lock_id")?.status == .released)
    }

    // 2. test_lock_before
    @Test(arguments: DjangoForm.allCases)
    func lockBefore(_ form: DjangoForm) throws {
        let fixture = Fixture()
        let before = try fixture.lockCreatedBefore("lock_id")
        let ran = Mutex(false)
        let error = #expect(throws: DBMutexError.self) {
            try form.locked(fixture.mutex(), "lock_id") { ran.withLock { $0 = true } }
        }
        #expect(error?.holder?.token == before.token)
        #expect(ran.withLock { $0 } == false)
        #expect(fixture.row("lock_id")?.token == before.token, "the lock still exists")
        #expect(fixture.row("lock_id")?.status == .held)
    }

    // 3. suppress_acquisition_exceptions: a busy lock is not an error; the body does not run.
    @Test(arguments: DjangoForm.allCases)
    func suppressAcquisitionErrors(_ form: DjangoForm) throws {
        let fixture = Fixture()
        let before = try fixture.lockCreatedBefore("lock_id")
        let ran = Mutex(false)
        let mutex = fixture.mutex()
        let result: Bool?
        switch form {
        case .decorator:
            result = try mutex.wrap("lock_id", suppressAcquisitionErrors: true) { ran.withLock { $0 = true }; return true }()
        case .contextManager:
            // Swift spells the context manager's suppression as catching the refusal.
            do {
                result = try mutex.withLock("lock_id") { ran.withLock { $0 = true }; return true }
            } catch is DBMutexError {
                result = nil
            }
        }
        #expect(result == nil)
        #expect(ran.withLock { $0 } == false, "unlike django-db-mutex, the body never runs without the lock")
        #expect(fixture.row("lock_id")?.token == before.token)

        // Timeouts are never suppressed.
        #expect(throws: DBMutexTimeoutError.self) {
            _ = try mutex.wrap("other_id", suppressAcquisitionErrors: true) {
                let released = try fixture.store.forceRelease("other_id")
                #expect(released)
            }()
        }
    }

    // 4. test_lock_different_id
    @Test(arguments: DjangoForm.allCases)
    func lockDifferentID(_ form: DjangoForm) throws {
        let fixture = Fixture()
        let before = try fixture.lockCreatedBefore("lock_id")
        try form.locked(fixture.mutex(), "lock_id2") {
            #expect(fixture.store.locks().filter { $0.status == .held }.count == 2)
            #expect(fixture.row("lock_id2")?.acquiredAt == Self.frozen)
        }
        #expect(fixture.row("lock_id")?.token == before.token, "the original lock still exists")
        #expect(fixture.row("lock_id")?.status == .held)
        #expect(fixture.row("lock_id2")?.status == .released)
    }

    // 5. test_lock_timeout_default: refused at +1 and +9 minutes, free at exactly +30:00.
    @Test(arguments: DjangoForm.allCases)
    func lockTimeoutDefault(_ form: DjangoForm) throws {
        let fixture = Fixture()
        let before = try fixture.lockCreatedBefore("lock_id")
        for minutes in [1, 9] {
            fixture.at(.seconds(minutes * 60))
            #expect(throws: DBMutexError.self, "+\(minutes) min") { try form.locked(fixture.mutex(), "lock_id") {} }
        }
        fixture.at(.seconds(30 * 60) - .microseconds(1))
        #expect(throws: DBMutexError.self, "a microsecond before +30:00") { try form.locked(fixture.mutex(), "lock_id") {} }
        fixture.at(.seconds(30 * 60))
        try form.locked(fixture.mutex(), "lock_id") {
            let row = try #require(fixture.row("lock_id"))
            #expect(row.token != before.token, "the original lock is gone")
            #expect(row.acquiredAt == Self.frozen.addingTimeInterval(30 * 60))
            #expect(fixture.store.locks().count == 1)
        }
    }

    // 6. test_no_lock_timeout (DB_MUTEX_TTL_SECONDS = None): refused at +1, +9, +30 min and +2 years.
    @Test(arguments: DjangoForm.allCases)
    func noLockTimeout(_ form: DjangoForm) throws {
        let fixture = Fixture()
        let ttl = try LockTTL.default.resolve(environment: [LockTTL.environmentVariable: "None"])
        #expect(ttl == nil)
        _ = try fixture.lockCreatedBefore("lock_id", ttl: .never)
        let twoYears: Duration = .seconds((365 + 366) * 86_400 + 30 * 60)   // 2016-02-01 00:30
        for offset in [Duration.seconds(60), .seconds(9 * 60), .seconds(30 * 60), twoYears] {
            fixture.at(offset)
            #expect(throws: DBMutexError.self, "+\(offset)") { try form.locked(fixture.mutex(ttl: .never), "lock_id") {} }
        }
    }

    // 7. test_custom_lock_timeout (DB_MUTEX_TTL_SECONDS = 3600): refused at +1 and +31 min, free at exactly +60:00.
    @Test(arguments: DjangoForm.allCases)
    func customLockTimeout(_ form: DjangoForm) throws {
        let fixture = Fixture()
        let ttl = try LockTTL.default.resolve(environment: [LockTTL.environmentVariable: "3600"])
        #expect(ttl == .seconds(3600))
        let before = try fixture.lockCreatedBefore("lock_id", ttl: .seconds(3600))
        for minutes in [1, 31] {
            fixture.at(.seconds(minutes * 60))
            #expect(throws: DBMutexError.self, "+\(minutes) min") {
                try form.locked(fixture.mutex(ttl: .seconds(3600)), "lock_id") {}
            }
        }
        fixture.at(.seconds(3600))
        try form.locked(fixture.mutex(ttl: .seconds(3600)), "lock_id") {
            let row = try #require(fixture.row("lock_id"))
            #expect(row.token != before.token)
            #expect(row.acquiredAt == Self.frozen.addingTimeInterval(3600))
        }
    }

    // 8. test_lock_timeout_error: the lock taken away while the body runs.
    @Test(arguments: DjangoForm.allCases, [TakeAway.deleteRow, .forceRelease, .takeOver])
    func lockTimeoutError(_ form: DjangoForm, _ takeAway: TakeAway) throws {
        let fixture = Fixture()
        let error = #expect(throws: DBMutexTimeoutError.self) {
            try form.locked(fixture.mutex(), "lock_id") {
                #expect(fixture.row("lock_id")?.acquiredAt == Self.frozen)
                try takeAway.apply(to: fixture.store, "lock_id")
            }
        }
        #expect(error?.overlapped == (takeAway == .takeOver))
        #expect(error?.forceReleased == (takeAway != .takeOver))
        #expect(error?.newHolder?.owner == (takeAway == .takeOver ? "thief" : nil))
    }

    /// How case 8 takes the lock away: django deletes the row; an operator force-releases it;
    /// or another holder takes it over.
    enum TakeAway: String, Sendable, CustomStringConvertible {
        case deleteRow = "row deleted"
        case forceRelease = "force-released"
        case takeOver = "taken over"

        var description: String { rawValue }

        func apply(to store: InMemoryLockStore, _ lockID: String) throws {
            switch self {
            case .deleteRow:
                store.deleteRow(lockID)
            case .forceRelease:
                #expect(try store.forceRelease(lockID))
            case .takeOver:
                #expect(try store.forceRelease(lockID))
                _ = try store.acquire(LockRequest(lockID: lockID, owner: "thief", ttl: nil, liveness: nil))
            }
        }
    }
}
