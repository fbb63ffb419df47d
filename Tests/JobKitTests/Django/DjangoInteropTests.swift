import Foundation
@_spi(Testing) import JobKit
import Logging
import Synchronization
import Testing

/// A Django process (`with db_mutex('id'):`, django-db-mutex 3.1) and a Swift process
/// (`withDBMutex("id")` on `django+postgres://`) exclude each other on django-db-mutex's own
/// table: real processes on both sides, on the real server.
@Suite struct DjangoInteropTests {
    @Test func whileDjangoHoldsSwiftIsRefusedAndItsBodyDoesNotRun() async throws {
        let side = try await DjangoSide(test: "django_holds")
        let directory = try TemporaryDirectory()
        let django = try side.python(["hold", "--lock", "x", "--ran-file", directory.path("django-ran")])
        let held = try await django.waitForLine { $0["acquired"] != nil }
        #expect(held["acquired"] as? Int64 == 1, "Django took the lock: \(held)")
        let djangoToken = try #require(held["token"] as? Int64)

        let swift = try side.swift(["with-db-mutex", "--lock", "x", "--ran-file", directory.path("swift-ran")])
        let refused = try await swift.waitForLine { $0["acquired"] != nil }
        #expect(refused["acquired"] as? Int64 == 0, "withDBMutex threw DBMutexError: \(refused)")
        #expect(refused["holder_token"] as? Int64 == djangoToken, "the error names Django's row")
        #expect(refused["holder"] as? String == DjangoLockStore.unknownOwner)
        #expect(try await swift.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.path("swift-ran")), "Swift's body did not run")

        django.send("release")
        let released = try await django.waitForLine { $0["outcome"] != nil }
        #expect(released["outcome"] as? String == "released")
        #expect(try await side.store.locks().isEmpty, "Django's release deleted its row")
    }

    @Test func whileSwiftHoldsDjangoIsRefusedAndItsBodyDoesNotRun() async throws {
        let side = try await DjangoSide(test: "swift_holds")
        let directory = try TemporaryDirectory()
        let swift = try side.swift(["with-db-mutex", "--lock", "x", "--ran-file", directory.path("swift-ran")])
        let held = try await swift.waitForLine { $0["acquired"] != nil }
        #expect(held["acquired"] as? Int64 == 1, "withDBMutex took the lock: \(held)")
        #expect(FileManager.default.fileExists(atPath: directory.path("swift-ran")))

        let django = try side.python(["hold", "--lock", "x", "--ran-file", directory.path("django-ran")])
        let refused = try await django.waitForLine { $0["acquired"] != nil }
        #expect(refused["acquired"] as? Int64 == 0, "Django raised DBMutexError: \(refused)")
        #expect((refused["error"] as? String)?.contains("Could not acquire lock: x") == true, "\(refused)")
        #expect(try await django.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.path("django-ran")), "Django's body did not run")

        swift.send("release")
        let released = try await swift.waitForLine { $0["outcome"] != nil }
        #expect(released["outcome"] as? String == "released")
        #expect(try await side.store.locks().isEmpty, "Swift's release deleted its row")
    }

    /// Three Python and three Swift processes take one lock over and over; inside, each claims
    /// an occupancy marker file with O_EXCL, so an overlap is caught by the file system.
    @Test func threeDjangoAndThreeSwiftProcessesHammeringOneLockNeverOverlap() async throws {
        let side = try await DjangoSide(test: "hammer")
        let directory = try TemporaryDirectory()
        let marker = directory.path("occupied")
        let start = directory.path("go")
        let stop = directory.path("stop")
        let common = ["--lock", "hammer", "--marker", marker, "--start-file", start, "--stop-file", stop,
                      "--min-acquisitions", "5"]
        let pythons = try (0..<3).map { _ in try side.python(["race"] + common) }
        let swifts = try (0..<3).map { index in
            try side.swift(["race", "--database-url", side.url, "--owner", "swift-\(index)"] + common)
        }
        for probe in pythons + swifts { _ = try await probe.waitForLine(timeout: .seconds(60)) { $0["ready"] != nil } }
        #expect(FileManager.default.createFile(atPath: start, contents: nil))
        // A few seconds of hammering; then each process stops once it has won five times.
        try await Task.sleep(for: .seconds(3))
        #expect(FileManager.default.createFile(atPath: stop, contents: nil))

        var acquisitions: [(token: Int64, at: Int64, python: Bool)] = []
        var overlaps: Int64 = 0
        for (index, probe) in (pythons + swifts).enumerated() {
            let summary = try await probe.waitForLine(timeout: .seconds(300)) { $0["acquisitions"] != nil }
            #expect(try await probe.waitForExit() == 0)
            overlaps += summary["overlaps"] as? Int64 ?? -1
            for pair in summary["acquisitions"] as? [any Sendable] ?? [] {
                let values = pair as? [any Sendable] ?? []
                acquisitions.append((values[0] as! Int64, values[1] as! Int64, index < pythons.count))
            }
        }
        #expect(overlaps == 0, "no two critical sections overlapped")
        #expect(acquisitions.filter(\.python).count >= 15 && acquisitions.filter { !$0.python }.count >= 15)
        // Row ids are unique, but not in acquisition order: django-db-mutex's INSERT draws the id
        // before its unique check waits on a concurrent holder (see DjangoLockStore).
        #expect(Set(acquisitions.map(\.token)).count == acquisitions.count, "every acquisition got a row id of its own")
        let inOrder = acquisitions.sorted { $0.at < $1.at }
        let handovers = zip(inOrder, inOrder.dropFirst()).filter { $0.python != $1.python }.count
        #expect(handovers >= 2, "the lock passed between the languages (\(handovers) times), so they really contended")
    }

    /// Swift, with a 1-second TTL, purges Django's older row and takes the lock; Django's
    /// release then finds its row gone and raises DBMutexTimeoutError.
    @Test func swiftTakesOverADjangoRowOlderThanItsTTLAndDjangosReleaseTimesOut() async throws {
        let side = try await DjangoSide(test: "swift_takes_over")
        let django = try side.python(["hold", "--lock", "x"])
        let held = try await django.waitForLine { $0["acquired"] != nil }
        let djangoToken = try #require(held["token"] as? Int64)

        let swift = try side.swift([
            "acquire", "--database-url", side.url, "--lock", "x", "--ttl-ms", "1000", "--wait-ms", "60000",
        ])
        let taken = try await swift.waitForLine(timeout: .seconds(90)) { $0["acquired"] != nil }
        #expect(taken["acquired"] as? Int64 == 1, "\(taken)")
        #expect(taken["recovered_reason"] as? String == "expired")
        #expect(taken["recovered_token"] as? Int64 == djangoToken, "Swift reports the Django row it purged")
        #expect(taken["recovered_from"] as? String == DjangoLockStore.unknownOwner)
        #expect(try #require(taken["token"] as? Int64) > djangoToken)

        django.send("release")
        let outcome = try await django.waitForLine { $0["outcome"] != nil }
        #expect(outcome["outcome"] as? String == "timeout", "Django raised DBMutexTimeoutError: \(outcome)")
        swift.send("release")
        #expect(try await swift.waitForLine { $0["outcome"] != nil }["outcome"] as? String == "released")
    }

    /// Django, with `DB_MUTEX_TTL_SECONDS = 1`, purges Swift's older row and takes the lock;
    /// Swift's release then throws DBMutexTimeoutError with `overlapped` and Django's row.
    @Test func djangoTakesOverASwiftRowOlderThanItsTTLAndSwiftsReleaseReportsTheOverlap() async throws {
        let side = try await DjangoSide(test: "django_takes_over")
        let swift = try side.swift(["hold", "--database-url", side.url, "--lock", "x"])
        let held = try await swift.waitForLine { $0["acquired"] != nil }
        let swiftToken = try #require(held["token"] as? Int64)

        let django = try side.python(["hold", "--lock", "x", "--wait-ms", "60000"], environment: ["DB_MUTEX_TTL_SECONDS": "1"])
        let taken = try await django.waitForLine(timeout: .seconds(90)) { $0["acquired"] != nil }
        #expect(taken["acquired"] as? Int64 == 1, "\(taken)")
        let djangoToken = try #require(taken["token"] as? Int64)
        #expect(djangoToken > swiftToken)

        swift.send("release")
        let outcome = try await swift.waitForLine { $0["outcome"] != nil }
        #expect(outcome["outcome"] as? String == "timeout", "Swift threw DBMutexTimeoutError: \(outcome)")
        #expect(outcome["overlapped"] as? Int64 == 1)
        #expect(outcome["new_token"] as? Int64 == djangoToken)
        #expect(outcome["new_owner"] as? String == DjangoLockStore.unknownOwner)
        django.send("release")
        #expect(try await django.waitForLine { $0["outcome"] != nil }["outcome"] as? String == "released")
    }

    /// The README's mixed-fleet sample, as written there, against a Django holder.
    @Test func theReadmeMixedFleetSampleIsRefusedWhileDjangoHoldsAndRunsAfter() async throws {
        let side = try await DjangoSide(test: "readme")
        let logger = Logger.discarding
        let ran = Mutex(0)
        let refused = Mutex(0)
        func rebuildIndex() async throws { ran.withLock { $0 += 1 } }
        func theSample() async throws {
            let mutex = DBMutex(store: try LockStoreURL.makeStore(side.url), logger: logger)
            do {
                try await mutex.withLock("rebuild-search-index") {
                    try await rebuildIndex()
                }
            } catch is DBMutexError {
                // the Django side (or another Swift process) is rebuilding it
                refused.withLock { $0 += 1 }
            }
        }
        let django = try side.python(["hold", "--lock", "rebuild-search-index"])
        _ = try await django.waitForLine { $0["acquired"] as? Int64 == 1 }
        try await theSample()
        #expect(refused.withLock { $0 } == 1 && ran.withLock { $0 } == 0, "refused while Django holds the lock")
        django.send("release")
        _ = try await django.waitForLine { $0["outcome"] != nil }
        try await theSample()
        #expect(refused.withLock { $0 } == 1 && ran.withLock { $0 } == 1, "runs once Django released it")
    }

    /// With `DB_MUTEX_TTL_SECONDS=none` a Swift acquire deletes nothing, however old the rows;
    /// the same acquire with a TTL purges them (so the first half is not vacuous).
    @Test func ttlNoneOnTheSwiftSideNeverPurges() async throws {
        let side = try await DjangoSide(test: "ttl_none")
        let django = try side.python(["hold", "--lock", "old"])
        _ = try await django.waitForLine { $0["acquired"] as? Int64 == 1 }
        let other = try side.python(["hold", "--lock", "other-old"])
        _ = try await other.waitForLine { $0["acquired"] as? Int64 == 1 }
        // A day old, as if Django had held them since yesterday.
        try PostgresTestSQL.run(
            try TestDatabase.url,
            "UPDATE \"\(side.schema)\".db_mutex_dbmutex SET creation_time = now() - interval '1 day'"
        )

        let refused = try side.swift(["acquire", "--database-url", side.url, "--lock", "old"], environment: ["DB_MUTEX_TTL_SECONDS": "none"])
        #expect(try await refused.waitForLine { $0["acquired"] != nil }["acquired"] as? Int64 == 0, "the day-old row still holds")
        let fresh = try side.swift(["acquire", "--database-url", side.url, "--lock", "fresh"], environment: ["DB_MUTEX_TTL_SECONDS": "none"])
        #expect(try await fresh.waitForLine { $0["acquired"] != nil }["acquired"] as? Int64 == 1)
        #expect(try await side.store.locks().map(\.lockID) == ["fresh", "old", "other-old"], "nothing was purged")
        fresh.send("release")
        _ = try await fresh.waitForLine { $0["outcome"] != nil }

        let withTTL = try side.swift(["acquire", "--database-url", side.url, "--lock", "fresh"], environment: ["DB_MUTEX_TTL_SECONDS": "3600"])
        #expect(try await withTTL.waitForLine { $0["acquired"] != nil }["acquired"] as? Int64 == 1)
        #expect(try await side.store.locks().map(\.lockID) == ["fresh"], "with a TTL, the day-old rows of every lock id are purged")
        withTTL.send("release")
        _ = try await withTTL.waitForLine { $0["outcome"] != nil }
        django.send("release")
        #expect(try await django.waitForLine { $0["outcome"] != nil }["outcome"] as? String == "timeout")
        other.send("release")
        #expect(try await other.waitForLine { $0["outcome"] != nil }["outcome"] as? String == "timeout")
    }
}
