import FleetHarness
import Foundation
import Testing

/// The lock table and its token sequence dropped under three running schedulers, then made
/// again with `jobkit migrate`: the schedulers report a permanent outage, recover once the
/// table is back, and the tokens they draw afterwards are greater than every token before.
/// The fleet's tables live in a schema of the test's own (the URL's `search_path`), so the
/// drop touches no other test.
@Suite struct FleetLockTableDroppedTests {
    @Test func droppingTheLockTableAndSequenceThenMigratingKeepsTokensIncreasing() async throws {
        let base = try TestDatabase.url
        let schema = "jk_dropped_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        try PostgresTestSQL.run(base, "CREATE SCHEMA \(schema)")
        defer { try? PostgresTestSQL.run(base, "DROP SCHEMA \(schema) CASCADE") }
        let url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema

        let job = FleetJob(name: "tick", interval: .milliseconds(500), run: .milliseconds(10))
        let scenario = try FleetScenario("dropped", jobs: [job], databaseURL: url)
        var droppingNS: Int64 = 0
        var droppedNS: Int64 = 0
        var migratingNS: Int64 = 0
        var migratedNS: Int64 = 0
        try await scenario.run(.uniform(3)) { fleet in
            try await Fleet.waitFor("four runs before the drop", timeout: .seconds(60)) {
                try fleet.runs().count >= 4 ? true : nil
            }
            droppingNS = FleetTime.nowNS()
            try PostgresTestSQL.run(
                base, "DROP TABLE \(schema).jobkit_locks CASCADE; DROP SEQUENCE \(schema).jobkit_locks_token_seq"
            )
            droppedNS = FleetTime.nowNS()
            try await Fleet.waitFor("every process to report store.unavailable", timeout: .seconds(60)) {
                fleet.processes.allSatisfy { !$0.events("store.unavailable").isEmpty } ? true : nil
            }
            migratingNS = FleetTime.nowNS()
            let migrate = try await JobKitProcess.run(["migrate", "--database-url", url])
            #expect(try await migrate.waitForExit() == 0, "\(migrate.allOutput)")
            migratedNS = FleetTime.nowNS()
            try await Fleet.waitFor("every process to report store.recovered", timeout: .seconds(60)) {
                fleet.processes.allSatisfy { !$0.events("store.recovered").isEmpty } ? true : nil
            }
            try await Fleet.waitFor("three runs after the migration", timeout: .seconds(60)) {
                try fleet.runs().filter { $0.startNS > migratedNS }.count >= 3 ? true : nil
            }
        }

        let analysis = try scenario.analyze()
        let before = analysis.runs.filter { $0.startNS < droppingNS }
        let after = analysis.runs.filter { $0.tickMS > droppedNS / 1_000_000 }
        let largestBefore = try #require(before.map(\.token).max())
        #expect(after.allSatisfy { $0.token > largestBefore }, "before: \(before)\nafter: \(after)")
        #expect(analysis.tokenRegressions.isEmpty, "\(analysis.tokenRegressions)")
        #expect(analysis.duplicates.isEmpty, "\(analysis)")
        #expect(analysis.overlaps.isEmpty, "\(analysis)")
        let withoutTable = analysis.runs.filter { $0.tickMS > droppedNS / 1_000_000 && $0.startNS < migratingNS }
        #expect(withoutTable.isEmpty, "runs of ticks after the drop, before the migration: \(analysis)")
        for process in scenario.fleet.processes {
            let outage = process.events.filter { $0.name == "store.unavailable" || $0.name == "store.recovered" }
            #expect(outage.map(\.name) == ["store.unavailable", "store.recovered"], "\(process.owner): \(outage)")
            #expect(outage.first?.bool("permanent") == true, "\(process.owner): \(outage)")
        }
        expectCleanExits(scenario.fleet)
    }
}
