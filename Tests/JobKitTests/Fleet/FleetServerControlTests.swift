import FleetHarness
import Foundation
import Testing

extension PostgresServerControlTests {
    /// A fleet through a PostgreSQL outage. Nested in ``PostgresServerControlTests`` so that
    /// it runs in the server-control phase of `scripts/test`, one test at a time with the
    /// other tests that stop or restart the server.
    @Suite struct FleetServerControlTests {
        /// PostgreSQL stopped for 5 seconds under three running schedulers: none exits, no job
        /// runs while the store is down (fail closed), each reports `store.unavailable` then
        /// `store.recovered`, and runs resume on the first tick after the server is back.
        /// A holder cut off for longer than its liveness window may be taken over once the
        /// server returns, while its run goes on; then the overlap is reported (`lock.lost`,
        /// `job.overran`). If its own heartbeat reaches the server first, it keeps the lock
        /// (nobody took it, so nothing overlaps) and the others are refused with `lock_held`.
        @Test func aStoreOutageStopsRunsWithoutStoppingTheFleet() async throws {
            let short = FleetJob(name: "short", interval: .seconds(1), run: .milliseconds(10))
            let across = FleetJob(name: "across", interval: .seconds(1), run: .seconds(12))
            let scenario = try FleetScenario("outage", jobs: [short, across])
            var stopping: Int64 = 0
            var stopped: Int64 = 0
            var restarted: Int64 = 0
            var holder = ""
            var holderToken: Int64 = 0
            try await scenario.run(.uniform(3)) { fleet in
                let started = try await Fleet.waitFor("the long job and two short runs", timeout: .seconds(60)) {
                    try fleet.runs().filter { $0.job == fleet.name(of: short) && $0.endNS != nil }.count >= 2
                        ? fleet.events("job.started", job: across).first : nil
                }
                holder = started.owner
                holderToken = try #require(started.integer("token"))
                stopping = FleetTime.nowNS()
                try TestDatabase.control("stop")
                stopped = FleetTime.nowNS()
                do {
                    try await Task.sleep(for: .seconds(5))
                } catch {
                    try? TestDatabase.control("pause-start")
                    throw error
                }
                try TestDatabase.control("pause-start")
                restarted = FleetTime.nowNS()
                try await Fleet.waitFor("every process to report store.recovered", timeout: .seconds(60)) {
                    fleet.processes.allSatisfy { !$0.events("store.recovered").isEmpty } ? true : nil
                }
                try await Fleet.waitFor("two short runs after the restart", timeout: .seconds(60)) {
                    try fleet.runs().filter { $0.job == fleet.name(of: short) && $0.startNS > restarted }.count >= 2
                        ? true : nil
                }
                // Either the cut-off holder was taken over and reports the overlap, or it kept
                // its lock and the others are refused by it.
                try await Fleet.waitFor("the cut-off holder's fate", timeout: .seconds(60)) {
                    let overran = fleet.events("job.overran", job: across).contains { $0.integer("token") == holderToken }
                    let kept = fleet.events("job.skipped", job: across).contains { event in
                        event.integer("holder_token") == holderToken && event.receivedNS > restarted
                    }
                    return overran || kept ? true : nil
                }
                let running = fleet.processes.allSatisfy { $0.isRunning }
                #expect(running, "a scheduler exited during the outage")
            }
            let fleet = scenario.fleet
            expectCleanExits(fleet)

            for process in fleet.processes {
                let outage = process.events.filter { $0.name == "store.unavailable" || $0.name == "store.recovered" }
                #expect(outage.map(\.name) == ["store.unavailable", "store.recovered"], "\(process.owner): \(outage)")
                if outage.count == 2 {
                    #expect(outage[0].receivedNS >= stopping && outage[1].receivedNS >= restarted)
                }
            }

            let analysis = try scenario.analyze()
            #expect(analysis.duplicates.isEmpty, "\(analysis)")
            #expect(analysis.unlockedRuns.isEmpty, "\(analysis)")
            let duringOutage = analysis.runs.filter { $0.startNS > stopped && $0.startNS < restarted }
            #expect(duringOutage.isEmpty, "runs while the store was down: \(duringOutage)")
            // Every tick of the short job ran, but those the outage covered.
            let outageTicks = (stopping / 1_000_000 - 1000)...(restarted / 1_000_000 + 1000)
            let shortName = fleet.name(of: short)
            let gaps = analysis.gaps.filter { $0.job == shortName && !outageTicks.contains($0.tickMS) }
            #expect(gaps.isEmpty, "\(analysis)")
            let firstAfter = analysis.runs.filter { $0.job == shortName && $0.startNS > restarted }.map(\.tickMS).min()
            let nextTick = (restarted / 1_000_000 / 1000 + 1) * 1000
            #expect(firstAfter != nil && firstAfter! <= nextTick + 1000, "first run after the restart: \(String(describing: firstAfter))")

            // Whatever became of the cut-off holder, every overlap is reported, and a takeover
            // is a recovery from a dead owner that the holder learns of.
            #expect(analysis.unreportedOverlaps.isEmpty, "\(analysis)\n\(scenario.transcript)")
            let takeovers = fleet.events("lock.recovered", job: across).filter { $0.integer("previous_token") == holderToken }
            for takeover in takeovers {
                #expect(takeover.string("previous_owner") == holder && takeover.string("reason") == "owner_dead")
                #expect(fleet.events("lock.lost", job: across).contains { $0.integer("token") == holderToken })
            }
            if takeovers.isEmpty {
                #expect(analysis.overlaps.isEmpty, "\(analysis)")
            }
        }
    }
}
