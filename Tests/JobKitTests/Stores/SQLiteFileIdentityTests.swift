import Foundation
import JobKit
import Logging
import Testing

/// The SQLite store follows the file at its path: deleted, moved away or replaced, the next
/// operation opens the path again and says so; and the WAL stays small.
@Suite struct SQLiteFileIdentityTests {
    private func request(_ id: String, _ owner: String) -> LockRequest {
        LockRequest(lockID: id, owner: owner, ttl: .seconds(60), liveness: nil)
    }

    /// A store on `path` that reports to `recorder`.
    private func store(_ path: String, _ recorder: EventRecorder) throws -> SQLiteLockStore {
        var configuration = SQLiteLockStore.Configuration()
        configuration.logger = recorder.logger()
        return try SQLiteLockStore(path: path, configuration: configuration)
    }

    @Test func aDeletedFileIsOpenedAgainAndEveryConnectionConvergesOnTheNewOne() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("locks.sqlite")
        let (firstEvents, secondEvents) = (EventRecorder(), EventRecorder())
        let first = try store(path, firstEvents)
        let second = try store(path, secondEvents)
        let lease = try #require(try first.acquire(request("job", "alpha")).lease)

        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }

        // The lock lived in the deleted file: the second store opens a new file and takes it.
        let newcomer = try #require(try second.acquire(request("job", "beta")).lease)
        #expect(FileManager.default.fileExists(atPath: path))
        let reopened = try #require(secondEvents.first(.storeReopened))
        #expect(reopened.level == .warning)
        #expect(reopened["reason"] == "deleted")
        #expect(reopened["store"] == second.description)
        #expect(reopened.message.contains(path))

        // The first store finds the file the second made, and in it the second's lock.
        guard case .lost(let loss) = try first.heartbeat(lease, window: .seconds(30)) else {
            Issue.record("the first store's lease outlived its file")
            return
        }
        #expect(loss.newHolder?.owner == "beta")
        #expect(loss.newHolder?.token == newcomer.token)
        #expect(firstEvents.first(.storeReopened)?["reason"] == "replaced")
        #expect(try first.locks().map(\.owner) == ["beta"])
        // Each store reopens once: later operations use the new file as it is.
        _ = try second.locks()
        #expect(firstEvents.events(.storeReopened).count == 1)
        #expect(secondEvents.events(.storeReopened).count == 1)
    }

    @Test func aReplacedFileIsOpenedAgainAndItsLocksAreSeen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("locks.sqlite")
        let events = EventRecorder()
        let store = try store(path, events)
        _ = try #require(try store.acquire(request("mine", "alpha")).lease)

        // Another database, with another lock, moved over the path.
        let otherPath = directory.path("other.sqlite")
        do {
            let other = try SQLiteLockStore(path: otherPath)
            _ = try #require(try other.acquire(request("theirs", "zeta")).lease)
        }
        for suffix in ["-wal", "-shm"] { unlink(path + suffix) }
        #expect(rename(otherPath, path) == 0)

        #expect(try store.locks().map(\.lockID) == ["theirs"])
        #expect(events.first(.storeReopened)?["reason"] == "replaced")
    }

    @Test func aFileMovedAwayLeavesANewFileAtThePath() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("locks.sqlite")
        let events = EventRecorder()
        let store = try store(path, events)
        _ = try #require(try store.acquire(request("job", "alpha")).lease)
        #expect(rename(path, directory.path("moved.sqlite")) == 0)

        #expect(try store.locks().isEmpty)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(events.first(.storeReopened)?["reason"] == "deleted")
    }

    @Test func theWALStaysWithinItsBoundUnderSteadyWrites() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("wal.sqlite")
        let store = try SQLiteLockStore(path: path)
        var largest = 0
        for round in 0..<200 {
            let lease = try #require(try store.acquire(request("job-\(round % 20)", "alpha")).lease)
            #expect(try store.release(lease) == .released)
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
            largest = max(largest, (attributes?[.size] as? Int) ?? 0)
        }
        // 32 pages of 4 KiB between checkpoints, cut back to 128 KiB: never near SQLite's 4 MB.
        #expect(largest > 0)
        #expect(largest <= 200_000, "the WAL reached \(largest) bytes")
    }
}
