import FleetHarness
import Foundation
import Testing

/// The run ledger and missed ticks with real `jobkit run` processes on PostgreSQL, checked
/// against the runs the jobs themselves recorded (``FleetRecordScript``). In ``FleetTests``,
/// so they run one at a time with the other fleet scenarios.
extension FleetTests {
    /// `jobkit history JOB --json` on the fleet's database: its runs, newest first.
    static func history(_ fleet: Fleet, _ job: FleetJob) async throws -> [[String: Any]] {
        let process = try await JobKitProcess.run([
            "history", fleet.name(of: job), "--json", "--limit", "1000", "--database-url", fleet.databaseURL,
        ])
        #expect(try await process.waitForExit() == 0, "\(process.allOutput)")
        let object = try JSONSerialization.jsonObject(with: Data(process.stdoutLines.joined().utf8)) as? [String: Any]
        return try #require(object?["runs"] as? [[String: Any]], "\(process.allOutput)")
    }

    /// The owner whose `job.started` reported `token`.
    private static func owner(of token: Int64, in fleet: Fleet, _ job: FleetJob) -> String? {
        fleet.events("job.started", job: job).first { $0.integer("token") == token }?.owner
    }

    /// Three processes, a job every second: `jobkit history` lists exactly the runs the job
    /// recorded, one per tick, each with the owner that really ran it.
    @Test func historyListsOneRunPerTickWithTheOwnerThatRanIt() async throws {
        let job = FleetJob(name: "ledger", interval: .seconds(1), run: .milliseconds(100))
        let scenario = try FleetScenario("ledger", jobs: [job])
        try await scenario.run(.uniform(3)) { _ in try await Task.sleep(for: .seconds(5)) }
        let fleet = scenario.fleet

        let truth = try fleet.runs().filter { $0.job == fleet.name(of: job) }
        let history = try await Self.history(fleet, job)
        #expect(truth.count >= 4, "\(truth)")
        #expect(history.count == truth.count, "one ledger row per run: \(history)")
        let ticks = history.compactMap { $0["tick"] as? String }
        #expect(Set(ticks).count == ticks.count, "one run per tick")
        for run in truth {
            let row = history.first { ($0["token"] as? Int64) == run.token }
            #expect(row != nil, "the run with token \(run.token) is in the ledger")
            guard let row else { continue }
            #expect(row["outcome"] as? String == "succeeded", "\(row)")
            let ranBy = Self.owner(of: run.token, in: fleet, job)
            #expect(ranBy != nil && row["owner"] as? String == ranBy, "token \(run.token): ledger says \(row["owner"] ?? "nil"), the fleet says \(ranBy ?? "nil")")
            let tickMS = (row["tick"] as? String).flatMap(FleetTime.milliseconds(fromTimestamp:))
            #expect(tickMS == run.tickMS, "the ledger's tick is the tick the job ran for")
        }
        let tokens = history.compactMap { $0["token"] as? Int64 }
        #expect(tokens == tokens.sorted(by: >), "newest first")
        #expect(Set(truth.map(\.pid)).count == truth.count)
        expectCleanExits(fleet)
    }

    /// Every process stopped for three ticks, then restarted: the latest tick is within grace
    /// and runs once (caught up); the older ones are one `job.missed` across the fleet.
    @Test func aFleetDownForThreeTicksCatchesUpTheLatestAndReportsTheOthersMissedOnce() async throws {
        let job = FleetJob(name: "restart", interval: .seconds(2), run: .milliseconds(100), grace: .seconds(5))
        let interval = job.intervalMS
        let scenario = try FleetScenario("restart", jobs: [job])
        let fleet = scenario.fleet
        let name = fleet.name(of: job)
        try await scenario.run(.uniform(3)) { fleet in
            try await Fleet.waitFor("a first run", timeout: .seconds(60)) { try fleet.runs().isEmpty ? nil : true }
            try await fleet.stop()
            let lastRan = try #require(try fleet.runs().filter { $0.job == name }.map(\.tickMS).max())
            // Down over three ticks, back half an interval after the third.
            let backAt = lastRan + 3 * interval + interval / 4
            let waitMS = backAt - FleetTime.nowNS() / 1_000_000
            if waitMS > 0 { try await Task.sleep(for: .milliseconds(waitMS)) }
            let restarted = try fleet.start(.uniform(3))
            try await Fleet.waitFor("the restarted processes to run", timeout: .seconds(60)) {
                restarted.allSatisfy { !$0.events("scheduler.started").isEmpty } ? true : nil
            }
            try await Fleet.waitFor("the caught-up run", timeout: .seconds(60)) {
                try fleet.runs().contains { $0.job == name && $0.tickMS > lastRan } ? true : nil
            }
            try await Task.sleep(for: .milliseconds(500))   // the other processes' answers for that tick
        }

        let runs = try fleet.runs().filter { $0.job == name }
        let ticks = runs.map(\.tickMS).sorted()
        #expect(Set(ticks).count == ticks.count, "each tick ran once: \(ticks)")
        // The caught-up tick: the first after the gap.
        let gap = zip(ticks, ticks.dropFirst()).first { $1 - $0 > interval }
        let (ranBefore, caughtUp) = try #require(gap, "a gap in \(ticks)")
        #expect((caughtUp - ranBefore) / interval >= 3, "down for at least three ticks: \(ticks)")
        let caughtUpRun = try #require(runs.first { $0.tickMS == caughtUp })
        #expect(caughtUpRun.startNS / 1_000_000 > caughtUp, "it ran after its tick: caught up at start")

        let missed = fleet.events("job.missed", job: job)
        #expect(missed.count == 1, "exactly one job.missed across the fleet: \(missed)")
        let event = try #require(missed.first)
        #expect(event.integer("missed") == (caughtUp - ranBefore) / interval - 1)
        #expect(event.string("first_tick").flatMap(FleetTime.milliseconds(fromTimestamp:)) == ranBefore + interval)
        #expect(event.tickMS == caughtUp - interval)
        // No process reports a missed tick as only already_ran.
        for skipped in fleet.events("job.skipped", job: job) where skipped.string("reason") == "already_ran" {
            #expect(skipped.tickMS == caughtUp || ticks.contains(skipped.tickMS ?? -1), "\(skipped)")
        }
        expectCleanExits(fleet)
    }

    /// A process joins with its clock 1.5 intervals ahead, in the second half of an interval:
    /// at start it catches up the latest tick on its clock, two ticks after the fleet's last,
    /// so the tick between is lost. That tick is reported as `job.missed` (by the process that
    /// claimed past it), not only as `already_ran` by the others.
    ///
    /// (Joining in the first half of an interval loses nothing: the tick it catches up is the
    /// one right after the fleet's last. The test joins at 55% of an interval of 4 s, so
    /// the process has 1.8 s to start before the outcome would change.)
    @Test func aProcessJoiningOneAndAHalfIntervalsAheadMakesTheLostTickMissed() async throws {
        let job = FleetJob(name: "ahead", interval: .seconds(4), run: .milliseconds(100))
        let interval = job.intervalMS
        let scenario = try FleetScenario("ahead", jobs: [job])
        let fleet = scenario.fleet
        let name = fleet.name(of: job)
        try await scenario.run(.uniform(2)) { fleet in
            try await Fleet.waitFor("a first run", timeout: .seconds(60)) { try fleet.runs().isEmpty ? nil : true }
            let phase = (FleetTime.nowNS() / 1_000_000) % interval
            let joinAt = interval * 55 / 100
            try await Task.sleep(for: .milliseconds(phase <= joinAt ? joinAt - phase : interval - phase + joinAt))
            let ahead = try fleet.start([FleetProcessOptions(clockOffset: .milliseconds(interval * 3 / 2))])
            try await Fleet.waitFor("the process ahead to run", timeout: .seconds(60)) {
                !ahead[0].events("scheduler.started").isEmpty ? true : nil
            }
            try await Fleet.waitFor("a job.missed", timeout: .seconds(60)) {
                fleet.events("job.missed", job: job).isEmpty ? nil : true
            }
            try await Task.sleep(for: .milliseconds(interval + 500))
        }

        let ticks = try fleet.runs().filter { $0.job == name }.map(\.tickMS).sorted()
        #expect(Set(ticks).count == ticks.count, "each tick ran once: \(ticks)")
        let missed = fleet.events("job.missed", job: job)
        #expect(missed.count == 1, "\(missed)")
        let event = try #require(missed.first)
        #expect(event.process == 2, "the process ahead claimed past the lost tick")
        #expect(event.integer("missed") == 1)
        let lost = try #require(event.tickMS)
        #expect(!ticks.contains(lost), "the missed tick did not run")
        #expect(ticks.contains(lost - interval) && ticks.contains(lost + interval), "its neighbours ran: \(ticks)")
        // Every tick between the first and the last run either ran or is in the job.missed.
        if let first = ticks.first, let last = ticks.last {
            for tick in stride(from: first, through: last, by: Int(interval)) where !ticks.contains(tick) {
                #expect(tick == lost, "tick \(tick) neither ran nor was reported missed")
            }
        }
        expectCleanExits(fleet)
    }
}
