import Foundation
@_spi(Testing) import JobKit
import Testing

/// `DjangoLockStore` in one process, on the real server: what it answers, and what the
/// table cannot carry being refused rather than faked.
@Suite struct DjangoLockStoreTests {
    @Test func theURLFormsOpenTheDjangoStore() throws {
        let base = try TestDatabase.url
        let components = try #require(URLComponents(string: base))
        for url in ["django+" + base, "DJANGO+POSTGRESQL" + base.drop { $0 != ":" }] {
            let store = try LockStoreURL.makeStore(url)
            #expect(store is DjangoLockStore, "\(url)")
            #expect(store.description.hasPrefix("django+postgres://jobkit@127.0.0.1:"), "\(store)")
            #expect(store.description.hasSuffix("(table db_mutex_dbmutex)"), "\(store)")
            #expect(!store.description.contains(components.password ?? "?"), "no password in \(store)")
        }
        let keywords = "django+postgres:host=\(components.host!) port=\(components.port!) dbname=jobkit_test "
            + "user=\(components.user!) password=\(components.password!)"
        let store = try LockStoreURL.makeStore(keywords)
        try store.migrate()   // connects: Django's migration made the table in public
        #expect(store.description == "django+postgres://jobkit@127.0.0.1:\(components.port!)/jobkit_test (table db_mutex_dbmutex)")
    }

    @Test(arguments: [
        ("django+postgres://u:pw@db:5432/app?sslmode=require", "postgres://u:pw@db:5432/app?sslmode=require"),
        ("DJANGO+PostgreSQL://u@db/app", "postgresql://u@db/app"),
        ("django+postgres:host=db dbname=app", "host=db dbname=app"),
        ("postgres://u@db/app", "postgres://u@db/app"),
        ("host=db dbname=app", "host=db dbname=app"),
    ])
    func libpqGetsTheURLWithoutTheDjangoPrefix(url: String, expected: String) {
        #expect(DjangoLockStore.connectionString(url) == expected)
    }

    @Test func anUnreachableServerIsAnOutageWhoseMessageHoldsNoPassword() throws {
        let store = try LockStoreURL.makeStore("django+postgres://u:hunter2@127.0.0.1:1/app")
        #expect(!store.description.contains("hunter2"))
        #expect { try store.acquire(Self.request("x")) } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.isConnectionFailure && !error.isPermanent && !"\(error)".contains("hunter2")
        }
    }

    @Test func aMissingTableIsAClearErrorAndNothingIsCreated() throws {
        let schema = TestDatabase.tableName(for: "dj_missing")
        try PostgresTestSQL.run(try TestDatabase.url, "CREATE SCHEMA \"\(schema)\"")
        var configuration = DjangoLockStore.Configuration()
        configuration.table = try TableName("\(schema).db_mutex_dbmutex")
        let store = try DjangoLockStore(url: try TestDatabase.url, configuration: configuration)
        for attempt in 0..<2 {
            do {
                if attempt == 0 { try store.migrate() } else { _ = try store.acquire(Self.request("x")) }
                Issue.record("an operation on a missing table succeeded")
            } catch let error as DjangoLockStoreError {
                #expect(error.code == .tableMissing)
                #expect(error.isPermanent)
                #expect(error.description.contains("\(schema).db_mutex_dbmutex does not exist"), "\(error)")
                #expect(error.description.contains("python manage.py migrate db_mutex"), "\(error)")
            }
        }
    }

    @Test func aTableWithoutDjangosColumnsIsNamedAsSuch() throws {
        let schema = TestDatabase.tableName(for: "dj_wrong")
        try PostgresTestSQL.run(
            try TestDatabase.url, "CREATE SCHEMA \"\(schema)\"; CREATE TABLE \"\(schema)\".db_mutex_dbmutex (lock_id text)"
        )
        var configuration = DjangoLockStore.Configuration()
        configuration.table = try TableName("\(schema).db_mutex_dbmutex")
        let store = try DjangoLockStore(url: try TestDatabase.url, configuration: configuration)
        #expect { try store.migrate() } throws: { ($0 as? DjangoLockStoreError)?.code == .unexpectedTable }
    }

    @Test func aTickIsRefusedAndTheSchedulerIsRefused() async throws {
        let side = try await DjangoSide(test: "ticks")
        var request = Self.request("x")
        request.tick = Date()
        #expect { try side.store.acquire(request) } throws: { ($0 as? DjangoLockStoreError)?.code == .ticksUnsupported }
        #expect(try await side.store.locks().isEmpty, "nothing was inserted")
        #expect { try side.store.validateForScheduling() } throws: { error in
            (error as? DjangoLockStoreError)?.code == .schedulingUnsupported
                && "\(error)".contains("Use a postgres:// store for scheduled jobs")
        }
    }

    @Test func acquireRefuseReleaseAndTheRowIDIsTheToken() async throws {
        let side = try await DjangoSide(test: "basics")
        guard case .acquired(let first) = try side.store.acquire(Self.request("x")) else {
            Issue.record("the free lock was refused")
            return
        }
        #expect(first.aliveUntil == nil, "no liveness: the table has no column for it")
        #expect(first.recovered == nil)
        #expect(try await side.store.locks().map(\.token) == [first.token], "the token is the row's id")
        guard case .refused(let refusal) = try side.store.acquire(Self.request("x")) else {
            Issue.record("a held lock was taken")
            return
        }
        #expect(refusal.holder?.token == first.token)
        #expect(refusal.holder?.owner == DjangoLockStore.unknownOwner)
        #expect(try side.store.heartbeat(first, window: .seconds(30)) == .alive(expired: false))
        #expect(try side.store.release(first) == .released)
        #expect(try await side.store.locks().isEmpty)
        guard case .acquired(let second) = try side.store.acquire(Self.request("x")) else {
            Issue.record("the released lock was refused")
            return
        }
        #expect(second.token > first.token)
        #expect(try side.store.release(second) == .released)
    }

    @Test func aPurgedLeaseIsLostAtItsHeartbeatAndTakenOverAtRelease() async throws {
        let side = try await DjangoSide(test: "purged")
        guard case .acquired(let old) = try side.store.acquire(Self.request("x")) else {
            Issue.record("the free lock was refused")
            return
        }
        #expect(try await side.store.forceRelease("x"))
        #expect(try side.store.heartbeat(old, window: .seconds(30)) == .lost(.deleted))
        #expect(!(try await side.store.forceRelease("x")), "nothing left to release")
        guard case .acquired(let new) = try side.store.acquire(Self.request("x")) else {
            Issue.record("the freed lock was refused")
            return
        }
        guard case .lost(let loss) = try side.store.heartbeat(old, window: .seconds(30)), let holder = loss.newHolder else {
            Issue.record("the old lease's heartbeat did not name the new holder")
            return
        }
        #expect(holder.token == new.token)
        #expect(try side.store.release(old) == .lost(.takenOver(by: holder, released: false)), "the old holder's release is a timeout with overlap")
        #expect(try await side.store.locks().map(\.token) == [new.token], "the old release did not touch the new row")
    }

    /// As in Django: a row still there at release is released, however old it is.
    @Test func aRowPastItsTTLButStillThereIsReleasedNormally() async throws {
        let side = try await DjangoSide(test: "late_release")
        guard case .acquired(let lease) = try side.store.acquire(Self.request("x")) else {
            Issue.record("the free lock was refused")
            return
        }
        try PostgresTestSQL.run(
            try TestDatabase.url, "UPDATE \"\(side.schema)\".db_mutex_dbmutex SET creation_time = now() - interval '1 day'"
        )
        #expect(try side.store.heartbeat(lease, window: .seconds(30)) == .alive(expired: true))
        #expect(try side.store.release(lease) == .released)
        #expect(try await side.store.locks().isEmpty)
    }

    @Test func locksJudgesRowsByTheListingTTL() async throws {
        let side = try await DjangoSide(test: "listing")
        var configuration = DjangoLockStore.Configuration()
        configuration.table = side.store.table
        configuration.listingTTL = .seconds(60)
        let store = try DjangoLockStore(url: try TestDatabase.url, configuration: configuration)
        for id in ["new", "old"] { _ = try store.acquire(Self.request(id)) }
        try PostgresTestSQL.run(
            try TestDatabase.url,
            "UPDATE \"\(side.schema)\".db_mutex_dbmutex SET creation_time = now() - interval '2 minutes' WHERE lock_id = 'old'"
        )
        let locks = try await store.locks()
        #expect(locks.map(\.lockID) == ["new", "old"])
        #expect(locks.map(\.status) == [.held, .expired])
        #expect(locks.allSatisfy { $0.owner == DjangoLockStore.unknownOwner && $0.lastTick == nil && $0.aliveUntil == nil })
        let new = try #require(locks.first)
        #expect(new.expiresAt == new.acquiredAt.addingTimeInterval(60))
    }

    static func request(_ lockID: String) -> LockRequest {
        LockRequest(lockID: lockID, owner: "test", ttl: .seconds(600), liveness: .seconds(30))
    }
}
