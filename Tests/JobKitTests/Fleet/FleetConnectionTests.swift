import FleetHarness
import Foundation
import Testing

/// Fleets whose connections are cut: every JobKit connection terminated by the server, and a
/// PgBouncer in transaction mode between the fleet and the server, killed and resumed. Each
/// time: no tick runs twice, no runs overlap, and the fleet resumes on its own.
@Suite(.serialized)
struct FleetConnectionTests {
    private static let second: Duration = .seconds(1)

    /// Checks what every scenario here promises, and that runs resumed after `cutMS`.
    private func expectResumed(_ scenario: FleetScenario, after cutMS: Int64, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let analysis = try scenario.analyze()
        #expect(analysis.duplicates.isEmpty, "\(analysis)", sourceLocation: sourceLocation)
        #expect(analysis.overlaps.isEmpty, "\(analysis)", sourceLocation: sourceLocation)
        #expect(analysis.unlockedRuns.isEmpty, "\(analysis)", sourceLocation: sourceLocation)
        // From two ticks after the cut on, every tick ran, or found the run before it still
        // going (a loaded machine may take over a second for a 10 ms job; that skip is the
        // overlap policy at work, not a tick lost to the cut).
        let settled = cutMS + 2000
        let stillRunning = { (gap: FleetAnalysis.Gap) in
            analysis.runs.contains { run in
                run.job == gap.job && run.startNS / 1_000_000 <= gap.tickMS && (run.endNS ?? .max) / 1_000_000 >= gap.tickMS
            }
        }
        let lost = analysis.gaps.filter { $0.tickMS > settled && !stillRunning($0) }
        #expect(lost.isEmpty, "\(analysis)\n\(scenario.transcript)", sourceLocation: sourceLocation)
        #expect(analysis.runs.filter { $0.tickMS > settled }.count >= 2, "\(analysis)", sourceLocation: sourceLocation)
        expectCleanExits(scenario.fleet)
    }

    @Test func terminatingEveryJobKitConnectionLosesNoGuarantee() async throws {
        let url = try TestDatabase.url
        let application = "jk-terminate-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let job = FleetJob(name: "tick", interval: Self.second, run: .milliseconds(10))
        let scenario = try FleetScenario(
            "terminate", jobs: [job], databaseURL: url + (url.contains("?") ? "&" : "?") + "application_name=" + application
        )
        var cutMS: Int64 = 0
        try await scenario.run(.uniform(3)) { fleet in
            try await Fleet.waitFor("two runs", timeout: .seconds(60)) { try fleet.runs().count >= 2 ? true : nil }
            cutMS = FleetTime.nowNS() / 1_000_000
            try PostgresTestSQL.run(
                url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(application)'"
            )
            try await Task.sleep(for: .seconds(5))
        }
        try expectResumed(scenario, after: cutMS)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/pgbouncer"), "needs pgbouncer"))
    func threeSchedulersThroughPgBouncerInTransactionModeSurviveKillAndResume() async throws {
        let directory = try TemporaryDirectory()
        let bouncerDirectory = directory.path("bouncer")
        let url = try TestDatabase.url
        let startOutput = directory.path("start.out")
        let bouncer = try await offPool { try Self.script(["start", bouncerDirectory, url], output: startOutput) }
            .split(separator: "\n").last.map(String.init) ?? ""
        defer {
            do {
                _ = try Self.script(["stop", bouncerDirectory], output: directory.path("stop.out"))
            } catch {
                Issue.record("PgBouncer did not stop: \(error)")
            }
        }
        let admin = bouncer.replacingOccurrences(of: "/jobkit_test", with: "/pgbouncer")

        let job = FleetJob(name: "tick", interval: Self.second, run: .milliseconds(10))
        let scenario = try FleetScenario("pgbouncer", jobs: [job], databaseURL: bouncer)
        var cutMS: Int64 = 0
        try await scenario.run(.uniform(3)) { fleet in
            try await Fleet.waitFor("three runs", timeout: .seconds(60)) { try fleet.runs().count >= 3 ? true : nil }
            cutMS = FleetTime.nowNS() / 1_000_000
            // KILL drops every client and server connection and holds new ones until RESUME.
            try PostgresTestSQL.run(admin, "KILL jobkit_test")
            try await Task.sleep(for: .milliseconds(1500))
            try PostgresTestSQL.run(admin, "RESUME jobkit_test")
            try await Task.sleep(for: .seconds(5))
        }
        try expectResumed(scenario, after: cutMS + 1500)
    }

    private static func script(_ arguments: [String], output: String) throws -> String {
        try ScriptRunner.run("test-pgbouncer", arguments, output: output)
    }
}
