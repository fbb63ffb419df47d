import Foundation
@_spi(Testing) import JobKit
import Testing

/// The lock's guarantees shown with several real OS processes against the real server.
@Suite struct PostgresProcessTests {
    @Test func eightProcessesRacingNeverOverlapAndTokensIncrease() async throws {
        let store = try TestDatabase.store(table: "race")
        try await store.migrate()
        let directory = try TemporaryDirectory()
        let marker = directory.path("occupied")
        let start = directory.path("go")
        let lockID = "race-" + UUID().uuidString
        let probes = try (0..<8).map { index in
            try ProbeProcess([
                "race", "--database-url", TestDatabase.url, "--table", store.table.description,
                "--lock", lockID, "--attempts", "500", "--marker", marker, "--start-file", start,
                "--owner", "racer-\(index)",
            ])
        }
        for probe in probes { _ = try await probe.waitForLine { $0["ready"] != nil } }
        #expect(FileManager.default.createFile(atPath: start, contents: nil))

        var acquisitions: [(token: Int64, at: Int64)] = []
        var overlaps: Int64 = 0
        var refusals: Int64 = 0
        var winners = 0
        for probe in probes {
            let summary = try await probe.waitForLine(timeout: .seconds(300)) { $0["acquisitions"] != nil }
            #expect(try await probe.waitForExit() == 0)
            overlaps += summary["overlaps"] as? Int64 ?? -1
            refusals += summary["refusals"] as? Int64 ?? 0
            let won = summary["acquisitions"] as? [any Sendable] ?? []
            if !won.isEmpty { winners += 1 }
            for pair in won {
                let values = pair as? [any Sendable] ?? []
                acquisitions.append((values[0] as! Int64, values[1] as! Int64))
            }
        }
        #expect(overlaps == 0)
        #expect(acquisitions.count + Int(refusals) == 8 * 500)
        #expect(winners >= 2, "several processes won the lock, so they really contended")
        #expect(Set(acquisitions.map(\.token)).count == acquisitions.count, "tokens are unique")
        let inOrder = acquisitions.sorted { $0.at < $1.at }.map(\.token)
        #expect(inOrder == inOrder.sorted(), "tokens increase in the order the lock was taken")
    }

    @Test func aKilledHolderIsRecoveredWithinTheLivenessWindowNotTheTTL() async throws {
        let store = try TestDatabase.store(table: "killed")
        try await store.migrate()
        let lockID = "killed-holder"
        let holder = try ProbeProcess([
            "hold", "--database-url", TestDatabase.url, "--table", store.table.description, "--lock", lockID,
            "--ttl-ms", "3600000", "--heartbeat-interval-ms", "200", "--heartbeat-window-ms", "1500",
            "--owner", "doomed-holder",
        ])
        let acquired = try await holder.waitForLine { $0["acquired"] != nil }
        #expect(acquired["acquired"] as? Int64 == 1)
        let firstDeadline = try #require(acquired["alive_until"] as? Double)

        // While it beats, the window keeps moving and nobody else gets in.
        _ = try await waitUntil(timeout: .seconds(60), "a heartbeat to extend the window") {
            try store.locks().first { $0.lockID == lockID }
                .flatMap { $0.aliveUntil.map(\.timeIntervalSince1970) }
                .flatMap { $0 > firstDeadline ? $0 : nil }
        }
        let request = LockRequest(lockID: lockID, owner: "survivor", ttl: .seconds(60), liveness: .seconds(30))
        guard case .refused(let refusal) = try store.acquire(request) else {
            Issue.record("a live holder's lock was taken")
            return
        }
        #expect(refusal.holder?.owner == "doomed-holder")

        holder.signal(SIGKILL)
        _ = try await holder.waitForExit()
        let lease = try await waitUntil(timeout: .seconds(60), "the dead holder's lock to free") {
            if case .acquired(let lease) = try store.acquire(request) { return lease }
            return nil
        }
        #expect(lease.recovered?.reason == .ownerDead, "freed by the liveness window, not the one-hour TTL")
        #expect(lease.recovered?.previous.owner == "doomed-holder")
        #expect(lease.token > (acquired["token"] as? Int64 ?? .max))
    }

    @Test func aTakeoverAfterTheTTLIsReportedAsAnOverlapWithANewerToken() async throws {
        let store = try TestDatabase.store(table: "takeover")
        try await store.migrate()
        let lockID = "takeover"
        let first = try ProbeProcess([
            "hold", "--database-url", TestDatabase.url, "--table", store.table.description, "--lock", lockID,
            "--ttl-ms", "500", "--owner", "slow-holder",
        ])
        let acquired = try await first.waitForLine { $0["acquired"] != nil }
        let oldToken = try #require(acquired["token"] as? Int64)

        let request = LockRequest(lockID: lockID, owner: "newcomer", ttl: .seconds(60), liveness: .seconds(30))
        let lease = try await waitUntil(timeout: .seconds(60), "the TTL to pass on the server") {
            if case .acquired(let lease) = try store.acquire(request) { return lease }
            return nil
        }
        #expect(lease.recovered?.reason == .expired)
        #expect(lease.token > oldToken)

        first.send("release")
        let outcome = try await first.waitForLine { $0["outcome"] != nil }
        #expect(outcome["outcome"] as? String == "timeout")
        #expect(outcome["overlapped"] as? Int64 == 1)
        #expect(outcome["new_token"] as? Int64 == lease.token)
        #expect(outcome["new_owner"] as? String == "newcomer")
    }

    @Test func aTTLPassingWithNobodyWaitingIsATimeoutWithoutOverlap() async throws {
        let store = try TestDatabase.store(table: "lonely")
        try await store.migrate()
        let lockID = "lonely"
        let holder = try ProbeProcess([
            "hold", "--database-url", TestDatabase.url, "--table", store.table.description, "--lock", lockID,
            "--ttl-ms", "300",
        ])
        _ = try await holder.waitForLine { $0["acquired"] != nil }
        _ = try await waitUntil(timeout: .seconds(60), "the TTL to pass on the server") {
            try store.locks().first { $0.lockID == lockID && $0.status == .expired }
        }
        holder.send("release")
        let outcome = try await holder.waitForLine { $0["outcome"] != nil }
        #expect(outcome["outcome"] as? String == "timeout")
        #expect(outcome["overlapped"] as? Int64 == 0)
    }
}
