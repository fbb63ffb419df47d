import FleetHarness
import Foundation
import JobKit
import Testing

/// `spread` with three real `jobkit run` processes on PostgreSQL: every process moves the job's
/// grid by the same documented offset (FNV-1a 64 of the name modulo the spread), before and
/// after a restart of every process. In ``FleetTests``, so it runs one at a time with the
/// other fleet scenarios.
extension FleetTests {
    @Test func aSpreadMovesEveryTickByTheSameOffsetOnEveryProcessAndAfterARestart() async throws {
        let job = FleetJob(name: "spread", interval: .seconds(2), run: .milliseconds(20), spread: .milliseconds(1999))
        let scenario = try FleetScenario("spread", jobs: [job])
        let fleet = scenario.fleet
        let name = fleet.name(of: job)
        let offset = SpreadOffset.offset(forJob: name, spread: .milliseconds(1999))
        let offsetMS = offset.components.seconds * 1000 + offset.components.attoseconds / 1_000_000_000_000_000
        var restartedAtMS: Int64 = 0
        try await scenario.run([FleetProcessOptions](repeating: FleetProcessOptions(), count: 3)) { fleet in
            try await Fleet.waitFor("three runs", timeout: .seconds(60)) {
                try fleet.runs().filter { $0.job == name }.count >= 3 ? true : nil
            }
            try await fleet.stop()
            restartedAtMS = FleetTime.nowNS() / 1_000_000
            _ = try fleet.start([FleetProcessOptions](repeating: FleetProcessOptions(), count: 3))
            try await Fleet.waitFor("three runs after the restart", timeout: .seconds(60)) {
                try fleet.runs().filter { $0.job == name && $0.tickMS > restartedAtMS }.count >= 3 ? true : nil
            }
        }
        let runs = try fleet.runs().filter { $0.job == name }
        for run in runs {
            #expect(run.tickMS % job.intervalMS == offsetMS, "every tick sits on the moved grid: \(run)")
        }
        #expect(runs.contains { $0.tickMS > restartedAtMS })
        // Every process targeted the same instants: the ticks the others found taken are the same ones.
        for skip in fleet.events("job.skipped", job: job) {
            #expect((skip.tickMS ?? -1) % job.intervalMS == offsetMS, "\(skip)")
        }
        let ticks = runs.map(\.tickMS)
        #expect(Set(ticks).count == ticks.count, "each tick ran once: \(ticks.sorted())")
        #expect(try scenario.analyze().overlaps.isEmpty)
        expectCleanExits(fleet)
    }
}
