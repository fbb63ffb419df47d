import Foundation
@_spi(Testing) import JobKit
import Testing

/// Tests that stop or restart the test server. They would break every other test's
/// connections, so `scripts/test` runs them in a phase of their own (with
/// `JOBKIT_TEST_SERVER_CONTROL=1`), after the rest.
@Suite(.serialized, .enabled(if: TestDatabase.mayControlServer, "runs in the server-control phase of scripts/test"))
struct PostgresServerControlTests {
    private func request(_ id: String) -> LockRequest {
        LockRequest(lockID: id, owner: "server-control-tests", ttl: .seconds(60), liveness: .seconds(30))
    }

    @Test
    func theNextCallAfterAServerRestartReconnectsAndSucceeds() throws {
        let store = try TestDatabase.store(table: "restart")
        guard case .acquired(let before) = try store.acquire(request("restart-before")) else {
            Issue.record("not acquired")
            return
        }
        try TestDatabase.control("restart")
        // The pooled connection died with the old server; this call must reconnect on its own.
        guard case .acquired(let after) = try store.acquire(request("restart-after")) else {
            Issue.record("not acquired after the restart")
            return
        }
        #expect(after.token > before.token)
        #expect(try store.release(before) == .released)
    }

}
