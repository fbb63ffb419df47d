import FleetHarness
import Foundation
import Testing

/// A fleet of real `jobkit run` processes for one test: its own directory, job names
/// prefixed by the test's name (job names are lock ids, so scenarios share the database's
/// default table without meeting), and a stop that always happens.
final class FleetScenario: Sendable {
    /// The heartbeat every scenario's processes use unless one sets its own: short, so that
    /// a dead holder frees its lock within 2 seconds and the scenarios stay short.
    static let heartbeatInterval: Duration = .milliseconds(500)
    static let heartbeatWindow: Duration = .seconds(2)

    /// The `jobkit` executable, built next to the test bundle.
    static let executable: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let directory = bundle.deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("jobkit")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: TestDatabase.packageRoot + "/.build/debug/jobkit")
    }()

    let fleet: Fleet
    private let directory: TemporaryDirectory
    /// The scenario's directory: the jobs file, the run records, an SQLite store's file.
    var directoryURL: URL { directory.url }

    /// A fleet for `jobs`, none of its processes started yet, on the test database, on
    /// `databaseURL`, or, with `sqlitePath`, on an SQLite file there (given the scenario's
    /// directory).
    init(
        _ name: String, jobs: [FleetJob], databaseURL: String? = nil, sqlitePath: ((URL) -> String)? = nil
    ) throws {
        let directory = try TemporaryDirectory()
        self.directory = directory
        let prefix = "fleet-\(name)-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))-"
        let databaseURL = try sqlitePath.map { "sqlite:" + $0(directory.url) } ?? databaseURL ?? TestDatabase.url
        fleet = try Fleet(
            executable: Self.executable, databaseURL: databaseURL, directory: directory.url,
            prefix: prefix, jobs: jobs, heartbeatInterval: Self.heartbeatInterval,
            heartbeatWindow: Self.heartbeatWindow, shutdownGrace: .milliseconds(500)
        )
    }

    /// Starts `processes`, waits until all run, hands the fleet to `body`, then stops every
    /// process, also when `body` throws.
    ///
    /// With `JOBKIT_FLEET_TRANSCRIPTS=DIR` set, the events and runs of the scenario are
    /// written to `DIR/<prefix>txt` afterwards, to read what a fleet did.
    func run(_ processes: [FleetProcessOptions], body: (Fleet) async throws -> Void) async throws {
        defer { writeTranscript() }
        do {
            try fleet.start(processes)
            try await fleet.waitUntilRunning()
            try await body(fleet)
        } catch {
            try? await fleet.stop()
            throw error
        }
        try await fleet.stop()
    }

    private func writeTranscript() {
        guard let directory = ProcessInfo.processInfo.environment["JOBKIT_FLEET_TRANSCRIPTS"] else { return }
        let runs = ((try? fleet.runs()) ?? []).map(\.description).joined(separator: "\n")
        let text = fleet.events.map(\.description).joined(separator: "\n") + "\n\n" + runs + "\n"
        try? text.write(toFile: directory + "/" + fleet.prefix + "txt", atomically: true, encoding: .utf8)
    }

    /// The checks on what the fleet did.
    func analyze(window: ClosedRange<Int64>? = nil, runningSinceNS: Int64? = nil) throws -> FleetAnalysis {
        try fleet.analyze(window: window, runningSinceNS: runningSinceNS)
    }

    /// Every event of the fleet, one per line: for failure messages.
    var transcript: String {
        fleet.events.filter { $0.name != "job.skipped" || $0.string("reason") != "already_ran" }
            .map(\.description).joined(separator: "\n")
    }
}
