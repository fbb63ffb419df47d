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
        // From two ticks after the cut on, every tick ran.
        let settled = cutMS + 2000
        #expect(analysis.gaps.filter { $0.tickMS > settled }.isEmpty, "\(analysis)\n\(scenario.transcript)", sourceLocation: sourceLocation)
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
            try await Fleet.waitFor("two runs", timeout: .seconds(10)) { try fleet.runs().count >= 2 ? true : nil }
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
        defer { _ = try? Self.script(["stop", bouncerDirectory], output: directory.path("stop.out")) }
        let admin = bouncer.replacingOccurrences(of: "/jobkit_test", with: "/pgbouncer")

        let job = FleetJob(name: "tick", interval: Self.second, run: .milliseconds(10))
        let scenario = try FleetScenario("pgbouncer", jobs: [job], databaseURL: bouncer)
        var cutMS: Int64 = 0
        try await scenario.run(.uniform(3)) { fleet in
            try await Fleet.waitFor("three runs", timeout: .seconds(15)) { try fleet.runs().count >= 3 ? true : nil }
            cutMS = FleetTime.nowNS() / 1_000_000
            // KILL drops every client and server connection and holds new ones until RESUME.
            try PostgresTestSQL.run(admin, "KILL jobkit_test")
            try await Task.sleep(for: .milliseconds(1500))
            try PostgresTestSQL.run(admin, "RESUME jobkit_test")
            try await Task.sleep(for: .seconds(5))
        }
        try expectResumed(scenario, after: cutMS + 1500)
    }

    /// Runs `scripts/test-pgbouncer ARGUMENTS`, its output to the file `output` (a pipe could
    /// be held open by the daemon it starts), and returns that output.
    private static func script(_ arguments: [String], output: String) throws -> String {
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let command = "exec '\(TestDatabase.packageRoot)/scripts/test-pgbouncer' \(quoted) >'\(output)' 2>&1 </dev/null"
        let shell: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = shell.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else {
            throw PostgresTestSQL.Failed(description: "scripts/test-pgbouncer could not be started")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw PostgresTestSQL.Failed(description: "scripts/test-pgbouncer \(arguments[0]) failed: \(text)")
        }
        return text
    }
}
