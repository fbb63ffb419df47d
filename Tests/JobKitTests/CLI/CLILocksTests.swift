import Foundation
@_spi(Testing) import JobKit
import Testing

extension CLI {
    /// `jobkit locks`: listing, and force-releasing only when confirmed.
    @Suite struct LocksTests {
        @Test func releaseWithoutYesRefusesAndWithYesReleases() async throws {
            let directory = try TemporaryDirectory()
            let url = CLI.databaseURL(in: directory)
            let store = try SQLiteLockStore(path: directory.path("locks.sqlite"))
            try await store.migrate()
            let request = LockRequest(lockID: "nightly-report", owner: "gone-machine:42", ttl: .seconds(3600), liveness: nil)
            guard case .acquired(let lease) = try store.acquire(request) else {
                Issue.record("the test could not take its own lock")
                return
            }

            let refused = try await JobKitProcess.run(["locks", "release", "nightly-report", "--database-url", url])
            #expect(try await refused.waitForExit() != 0)
            #expect(refused.stderr.contains("--yes"), "it says how to confirm: \(refused.allOutput)")
            #expect(refused.stderr.contains("nightly-report"), "\(refused.allOutput)")
            #expect(try await store.locks().first?.status == .held, "nothing was released")
            #expect(try await CLI.lockRows(databaseURL: url).first?["STATUS"] == "held")

            let released = try await JobKitProcess.run(["locks", "release", "nightly-report", "--yes", "--database-url", url])
            #expect(try await released.waitForExit() == 0, "\(released.allOutput)")
            #expect(released.stdoutLines == [#"Released "nightly-report" (held by gone-machine:42, token \#(lease.token))."#])
            #expect(try await store.locks().first?.status == .released)
            let rows = try await CLI.lockRows(databaseURL: url)
            #expect(rows.map { $0["LOCK"] } == ["nightly-report"])
            #expect(rows.first?["STATUS"] == "released")
            #expect(rows.first?["OWNER"] == "gone-machine:42")
            // UNTIL says when a released lock stopped being held, not its old TTL deadline.
            let releasedAt = try #require(try await store.locks().first?.releasedAt)
            #expect(rows.first?["UNTIL"] == releasedAt.jobKitTimestamp)

            let again = try await JobKitProcess.run(["locks", "release", "nightly-report", "--yes", "--database-url", url])
            #expect(try await again.waitForExit() == 0)
            #expect(again.stdoutLines == [#""nightly-report" is not held (released at \#(releasedAt.jobKitTimestamp)); nothing to release."#])
        }

        @Test func releasingALockTheStoreNeverHadIsAnError() async throws {
            let directory = try TemporaryDirectory()
            let url = CLI.databaseURL(in: directory)
            let store = try SQLiteLockStore(path: directory.path("locks.sqlite"))
            _ = try store.acquire(LockRequest(lockID: "nightly-report", owner: "a:1", ttl: .seconds(60), liveness: nil))

            let typo = try await JobKitProcess.run(["locks", "release", "nightly-reprot", "--yes", "--database-url", url])
            #expect(try await typo.waitForExit() == 1)
            #expect(typo.stdoutLines.isEmpty)
            #expect(typo.stderr.hasPrefix(#"Error: There is no lock "nightly-reprot" in sqlite:"#), "\(typo.allOutput)")
            #expect(typo.stderr.contains(#"Did you mean "nightly-report"?"#), "\(typo.allOutput)")
            #expect(try await store.locks().first?.status == .held, "nothing was released")
        }

        @Test func readOnlyCommandsNeverCreateAnSQLiteStore() async throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("mistyped.sqlite")
            for arguments in [["locks"], ["locks", "list", "--json"], ["locks", "release", "x", "--yes"]] {
                let run = try await JobKitProcess.run(arguments + ["--database-url", "sqlite:" + path])
                #expect(try await run.waitForExit() == 1, "\(arguments): \(run.allOutput)")
                #expect(run.stderr.hasPrefix("Error: There is no lock store at sqlite:\(path): the file does not exist."), "\(run.allOutput)")
                #expect(run.stderr.contains("jobkit migrate"), "\(run.allOutput)")
                #expect(!FileManager.default.fileExists(atPath: path), "\(arguments) created the file")
            }
            // A file without the lock table (another application's database) is not altered:
            // no table, no switch to WAL mode, not a byte written. An empty file is an empty
            // SQLite database.
            let plainPath = directory.path("plain.sqlite")
            #expect(FileManager.default.createFile(atPath: plainPath, contents: Data()))
            let plain = try await JobKitProcess.run(["locks", "--database-url", "sqlite:" + plainPath])
            #expect(try await plain.waitForExit() == 1)
            #expect(plain.stderr.contains("has no lock table jobkit_locks"), "\(plain.allOutput)")
            let size = try FileManager.default.attributesOfItem(atPath: plainPath)[.size] as? Int
            #expect(size == 0, "locks wrote to the file")
            #expect(!FileManager.default.fileExists(atPath: plainPath + "-wal"))
        }

        @Test func readOnlyCommandsNeverCreateAPostgresTable() async throws {
            // A search_path naming a schema that does not exist: the lock table is "renamed
            // away". `locks` must say so, not create a fresh table there.
            let schema = TestDatabase.tableName(for: "readOnlyNoTable")
            let base = try TestDatabase.url
            let url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
            // Through the environment: a password on the command line adds a warning line.
            let environment = ["JOBKIT_DATABASE_URL": url]
            let run = try await JobKitProcess.run(["locks"], environment: environment)
            #expect(try await run.waitForExit() == 1, "\(run.allOutput)")
            #expect(run.stderr.hasPrefix("Error: The lock store postgres://"), "\(run.allOutput)")
            #expect(run.stderr.contains("has no lock table jobkit_locks"), "\(run.allOutput)")
            #expect(run.stderr.contains("`jobkit migrate`"), "\(run.allOutput)")
            let release = try await JobKitProcess.run(["locks", "release", "x", "--yes"], environment: environment)
            #expect(try await release.waitForExit() == 1, "\(release.allOutput)")
            var configuration = PostgresLockStore.Configuration()
            configuration.migratesAutomatically = false
            #expect(try !PostgresLockStore(url: url, configuration: configuration).schemaExists())
        }

        @Test func jsonListsEveryLockWithEveryKey() async throws {
            let directory = try TemporaryDirectory()
            let url = CLI.databaseURL(in: directory)
            let store = try SQLiteLockStore(path: directory.path("locks.sqlite"))
            let tick = Date(timeIntervalSince1970: 1_800_000_000)
            guard case .acquired(let lease) = try store.acquire(
                LockRequest(lockID: "a-released", owner: "m:1", ttl: .seconds(60), liveness: .seconds(30), tick: tick)
            ) else {
                Issue.record("the test could not take its own lock")
                return
            }
            _ = try store.release(lease)
            _ = try store.acquire(LockRequest(lockID: "b \"held\"", owner: "m:2", ttl: nil, liveness: nil))

            let list = try await JobKitProcess.run(["locks", "--json", "--database-url", url])
            #expect(try await list.waitForExit() == 0, "\(list.allOutput)")
            #expect(list.stdoutLines.count == 1, "one object on one line: \(list.allOutput)")
            let object = try #require(
                JSONSerialization.jsonObject(with: Data(list.stdoutLines.joined().utf8)) as? [String: Any]
            )
            #expect(object["store"] as? String == store.description)
            let locks = try #require(object["locks"] as? [[String: Any]])
            let keys: Set<String> = ["lock_id", "status", "owner", "token", "since", "until", "alive_until", "released_at", "last_tick"]
            #expect(locks.map { Set($0.keys) } == [keys, keys])
            let states = try await store.locks()
            #expect(locks[0]["lock_id"] as? String == "a-released")
            #expect(locks[0]["status"] as? String == "released")
            #expect(locks[0]["owner"] as? String == "m:1")
            #expect(locks[0]["token"] as? Int == Int(states[0].token))
            #expect(locks[0]["since"] as? String == states[0].acquiredAt.jobKitTimestamp)
            #expect(locks[0]["until"] as? String == states[0].expiresAt?.jobKitTimestamp)
            #expect(locks[0]["released_at"] as? String == states[0].releasedAt?.jobKitTimestamp)
            #expect(locks[0]["last_tick"] as? String == tick.jobKitTimestamp)
            #expect(locks[1]["lock_id"] as? String == #"b "held""#)
            #expect(locks[1]["status"] as? String == "held")
            #expect(locks[1]["until"] is NSNull, "a lock that never expires has until: null")
            #expect(locks[1]["released_at"] is NSNull)
            #expect(locks[1]["last_tick"] is NSNull)

            let empty = try await JobKitProcess.run(["migrate", "--database-url", "sqlite:" + directory.path("empty.sqlite")])
            #expect(try await empty.waitForExit() == 0)
            let none = try await JobKitProcess.run(["locks", "--json", "--database-url", "sqlite:" + directory.path("empty.sqlite")])
            #expect(try await none.waitForExit() == 0)
            #expect(none.stdoutLines.joined().hasSuffix(#","locks":[]}"#), "\(none.allOutput)")
        }
    }
}
