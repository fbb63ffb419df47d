import Foundation
@_spi(Testing) import JobKit
import Synchronization
import Testing

/// Cases 1, 2, 4 and 8 of django-db-mutex's suite (see ``DjangoDBMutexSuiteTests``) on the
/// real PostgreSQL server, in both forms. Time is the server's: "a lock created before" is an
/// acquisition stamped at a chosen server time, and the exact TTL boundary is probed with the
/// store's `acquire(_:now:)`.
@Suite struct DjangoDBMutexPostgresTests {
    private func store(_ test: String) throws -> PostgresLockStore {
        let store = try TestDatabase.store(table: "django_\(test)")
        try store.migrate()
        return store
    }

    private func mutex(_ store: PostgresLockStore) -> DBMutex {
        DBMutex(store: store, owner: "test", ttl: .default, heartbeat: nil, logger: .discarding)
    }

    private func row(_ store: PostgresLockStore, _ lockID: String) throws -> LockState? {
        try store.locks().first { $0.lockID == lockID }
    }

    private func createdBefore(_ store: PostgresLockStore, _ lockID: String, at: Date? = nil) throws -> Lease {
        let request = LockRequest(lockID: lockID, owner: "created-before", ttl: .seconds(1800), liveness: nil)
        return try #require(try store.acquire(request, now: at).lease)
    }

    // 1. test_no_lock_before
    @Test(arguments: DjangoForm.allCases)
    func noLockBefore(_ form: DjangoForm) throws {
        let store = try store("none_\(form == .decorator ? "d" : "c")")
        #expect(try store.locks().isEmpty)
        let before = Date()
        try form.locked(mutex(store), "lock_id") {
            let row = try #require(try self.row(store, "lock_id"))
            #expect(row.status == .held)
            #expect(abs(row.acquiredAt.timeIntervalSince(before)) < 60, "stamped by the server, now")
        }
        #expect(try row(store, "lock_id")?.status == .released)
    }

    // 2. test_lock_before
    @Test(arguments: DjangoForm.allCases)
    func lockBefore(_ form: DjangoForm) throws {
        let store = try store("before_\(form == .decorator ? "d" : "c")")
        let before = try createdBefore(store, "lock_id")
        let ran = Mutex(false)
        let error = #expect(throws: DBMutexError.self) {
            try form.locked(mutex(store), "lock_id") { ran.withLock { $0 = true } }
        }
        #expect(error?.holder?.token == before.token)
        #expect(ran.withLock { $0 } == false)
        #expect(try row(store, "lock_id")?.status == .held)
    }

    // 4. test_lock_different_id
    @Test(arguments: DjangoForm.allCases)
    func lockDifferentID(_ form: DjangoForm) throws {
        let store = try store("different_\(form == .decorator ? "d" : "c")")
        let before = try createdBefore(store, "lock_id")
        try form.locked(mutex(store), "lock_id2") {
            let held = try store.locks().filter { $0.status == .held }.count
            #expect(held == 2)
        }
        #expect(try row(store, "lock_id")?.token == before.token)
        #expect(try row(store, "lock_id")?.status == .held)
        #expect(try row(store, "lock_id2")?.status == .released)
    }

    // 5 on the server's clock: refused 1 and 9 minutes after, free at exactly +30:00.
    @Test func lockTimeoutDefaultOnTheServersClock() throws {
        let store = try store("default_ttl")
        for minutes in [1, 9] {
            let lockID = "lock_id_\(minutes)"
            _ = try createdBefore(store, lockID, at: Date().addingTimeInterval(-Double(minutes) * 60))
            #expect(throws: DBMutexError.self, "+\(minutes) min") { try DjangoForm.contextManager.locked(mutex(store), lockID) {} }
            #expect(throws: DBMutexError.self, "+\(minutes) min") { try DjangoForm.decorator.locked(mutex(store), lockID) {} }
        }
        let frozen = Date(timeIntervalSince1970: 1_391_212_800)
        _ = try createdBefore(store, "lock_id", at: frozen)
        let late = LockRequest(lockID: "lock_id", owner: "test", ttl: .seconds(1800), liveness: nil)
        #expect(try store.acquire(late, now: frozen.addingTimeInterval(1800 - 0.000_001)).refusal != nil)
        let taken = try #require(try store.acquire(late, now: frozen.addingTimeInterval(1800)).lease)
        #expect(taken.recovered?.reason == .expired)
    }

    // 8. test_lock_timeout_error: the row deleted by hand (django's way) or force-released.
    @Test(arguments: DjangoForm.allCases, [true, false])
    func lockTimeoutError(_ form: DjangoForm, deleteRow: Bool) throws {
        let store = try store("timeout_\(form == .decorator ? "d" : "c")_\(deleteRow ? "del" : "fr")")
        let url = try TestDatabase.url
        let error = #expect(throws: DBMutexTimeoutError.self) {
            try form.locked(mutex(store), "lock_id") {
                if deleteRow {
                    try PostgresTestSQL.run(url, "DELETE FROM \(store.table.quoted) WHERE lock_id = $1", ["lock_id"])
                } else {
                    #expect(try store.forceRelease("lock_id"))
                }
            }
        }
        #expect(error?.forceReleased == true)
        #expect(error?.overlapped == false)
    }
}
