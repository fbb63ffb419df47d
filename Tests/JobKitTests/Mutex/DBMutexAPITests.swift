import Foundation
import JobKit
import Logging
import Synchronization
import Testing

/// The public surface around the lock contract: nesting, the free functions and the
/// decorator form, the TTL setting, and the lock events. The contract itself is proven per
/// store by the conformance suite.
@Suite struct DBMutexAPITests {
    private struct BodyFailed: Error {}

    @Test func nestingDifferentIDsWorksAndTheSameIDTwiceIsRefused() throws {
        let mutex = DBMutex(store: InMemoryLockStore(), owner: "nester", heartbeat: nil, logger: .discarding)
        let inner = try mutex.withLock("nesting-outer") {
            try mutex.withLock("nesting-inner") { "inner ran" }
        }
        #expect(inner == "inner ran")
        let refusal = try #require(throws: DBMutexError.self) {
            try mutex.withLock("nesting-same") { try mutex.withLock("nesting-same") {} }
        }
        #expect(refusal.holder?.owner == "nester", "not re-entrant: the process is refused by itself")
        // Both locks were released on the way out.
        #expect(try mutex.withLock("nesting-same") { true })
    }

    @Test(arguments: [
        ("900", Duration?.some(.seconds(900))),
        ("0.5", .some(.milliseconds(500))),
        ("none", nil),
        ("None", nil),
    ])
    func dbMutexTTLSecondsSetsTheDefault(value: String, expected: Duration?) throws {
        #expect(try LockTTL.default.resolve(environment: ["DB_MUTEX_TTL_SECONDS": value]) == expected)
    }

    @Test func withoutTheSettingTheTTLIsThirtyMinutes() throws {
        #expect(try LockTTL.default.resolve(environment: [:]) == .seconds(1800))
        #expect(try LockTTL.never.resolve(environment: [:]) == nil)
        #expect(try LockTTL.seconds(5).resolve(environment: ["DB_MUTEX_TTL_SECONDS": "none"]) == .seconds(5))
    }

    @Test(arguments: ["abc", "-5", "0", "", "inf"])
    func aMalformedSettingIsAClearError(value: String) {
        let error = #expect(throws: LockTTLError.self) {
            try LockTTL.default.resolve(environment: ["DB_MUTEX_TTL_SECONDS": value])
        }
        #expect(error.map { "\($0)" }?.contains("DB_MUTEX_TTL_SECONDS") == true)
    }

    @Test func aTimeoutBehindABodyErrorIsReportedAsLockOverran() async throws {
        let clock = ManualLockClock(Date(timeIntervalSince1970: 1_800_000_000))
        let recorder = EventRecorder()
        let mutex = DBMutex(
            store: InMemoryLockStore(clock: clock), owner: "overrunner", ttl: .seconds(60), heartbeat: nil,
            logger: recorder.logger()
        )
        #expect(throws: BodyFailed.self, "the caller sees the body's error") {
            try mutex.withLock("overran-behind-error") {
                clock.advance(by: .seconds(61))
                throw BodyFailed()
            }
        }
        let event = try #require(recorder.first(.lockOverran))
        #expect(event.level == .error)
        #expect(event["lock_id"] == "overran-behind-error")
        #expect(event["overlapped"] == "false")
        #expect(event["error"]?.contains("BodyFailed") == true)
    }

    @Test func takingOverAnExpiredLockReportsLockRecovered() throws {
        let clock = ManualLockClock(Date(timeIntervalSince1970: 1_800_000_000))
        let store = InMemoryLockStore(clock: clock)
        let recorder = EventRecorder()
        let first = DBMutex(store: store, owner: "first", ttl: .seconds(10), heartbeat: nil, logger: .discarding)
        let second = DBMutex(store: store, owner: "second", ttl: .seconds(10), heartbeat: nil, logger: recorder.logger())
        let error = try #require(throws: DBMutexTimeoutError.self) {
            try first.withLock("recovered") {
                clock.advance(by: .seconds(10))   // exactly the TTL: expired
                try second.withLock("recovered") {}
            }
        }
        #expect(error.overlapped == true)
        let event = try #require(recorder.first(.lockRecovered))
        #expect(event["previous_owner"] == "first")
        #expect(event["reason"] == "expired")
        #expect(event["owner"] == "second")
    }

    @Test func aTakeoverBeforeTheTTLIsNotDescribedAsAnExpiry() throws {
        let store = InMemoryLockStore()
        let first = DBMutex(store: store, owner: "first", ttl: .seconds(3600), heartbeat: nil, logger: .discarding)
        let error = try #require(throws: DBMutexTimeoutError.self) {
            try first.withLock("early-takeover") {
                #expect(try store.forceRelease("early-takeover"))
                // The newcomer still holds the lock when the first releases, so it can be named.
                _ = try store.acquire(
                    LockRequest(lockID: "early-takeover", owner: "second", ttl: .seconds(3600), liveness: nil)
                )
            }
        }
        #expect(error.overlapped == true)
        #expect(error.expiredAt == nil, "the TTL never ran out")
        #expect(error.newHolder?.owner == "second")
        #expect("\(error)".contains("lost before its TTL ran out"))
        #expect(!"\(error)".contains("outlived"))
    }
}
