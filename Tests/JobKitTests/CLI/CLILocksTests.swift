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
            guard case .acquired = try store.acquire(request) else {
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
            #expect(released.stdoutLines == [#"Released "nightly-report"."#])
            #expect(try await store.locks().first?.status == .released)
            let rows = try await CLI.lockRows(databaseURL: url)
            #expect(rows.map { $0["LOCK"] } == ["nightly-report"])
            #expect(rows.first?["STATUS"] == "released")
            #expect(rows.first?["OWNER"] == "gone-machine:42")

            let again = try await JobKitProcess.run(["locks", "release", "nightly-report", "--yes", "--database-url", url])
            #expect(try await again.waitForExit() == 0)
            #expect(again.stdoutLines == [#""nightly-report" was not held."#])
        }
    }
}
