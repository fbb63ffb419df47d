import FleetHarness
import Foundation
import Testing

/// Fleet controls with three real `jobkit run` processes on PostgreSQL: a pause stops a job on
/// every process (its ticks are `paused` skips, once per tick for the fleet, never `job.missed`)
/// and survives a restart of every process; a resume brings it back; a trigger runs the job
/// once, on one process, recorded as manual. In ``FleetTests``, so they run one at a time with
/// the other fleet scenarios.
extension FleetTests {
    /// The control poll the scenarios use: short, so a trigger is picked up at once.
    private static let controlPoll: [FleetProcessOptions] = [FleetProcessOptions](
        repeating: FleetProcessOptions(extraArguments: ["--control-interval", "0.5"]), count: 3
    )

    /// Runs `jobkit ARGUMENTS --database-url … --config …` on the fleet's store and jobs file.
    private static func control(_ fleet: Fleet, _ arguments: [String]) async throws -> JobKitProcess {
        try await JobKitProcess.run(
            arguments + ["--database-url", fleet.databaseURL, "--config", fleet.jobsFile.path]
        )
    }

    @Test func aPauseStopsTheJobOnEveryProcessSurvivesARestartAndAResumeBringsItBack() async throws {
        let paused = FleetJob(name: "paused", interval: .seconds(1), run: .milliseconds(50))
        let other = FleetJob(name: "other", interval: .seconds(1), run: .milliseconds(50))
        let scenario = try FleetScenario("pause", jobs: [paused, other])
        let fleet = scenario.fleet
        let (pausedName, otherName) = (fleet.name(of: paused), fleet.name(of: other))
        var pausedAtMS: Int64 = 0
        var resumedAtMS: Int64 = 0
        try await scenario.run(Self.controlPoll) { fleet in
            try await Fleet.waitFor("a first run of each job", timeout: .seconds(60)) {
                let jobs = Set(try fleet.runs().map(\.job))
                return jobs.contains(pausedName) && jobs.contains(otherName) ? true : nil
            }
            let pause = try await Self.control(fleet, ["pause", pausedName, "--reason", "INC-7: the API is down", "--by", "ops"])
            #expect(try await pause.waitForExit() == 0, "\(pause.allOutput)")
            pausedAtMS = FleetTime.nowNS() / 1_000_000
            try await Fleet.waitFor("three paused ticks", timeout: .seconds(60)) {
                Set(fleet.events("job.skipped", job: paused).filter { $0.string("reason") == "paused" }.compactMap(\.tickMS)).count >= 3
                    ? true : nil
            }

            // Every process stops and starts again: the pause is in the store.
            try await fleet.stop()
            let restartedAtMS = FleetTime.nowNS() / 1_000_000
            let restarted = try fleet.start(Self.controlPoll)
            try await Fleet.waitFor("the restarted processes to skip a paused tick", timeout: .seconds(60)) {
                restarted.flatMap { $0.events("job.skipped") }
                    .contains { $0.string("job") == pausedName && $0.string("reason") == "paused" && ($0.tickMS ?? 0) > restartedAtMS }
                    ? true : nil
            }
            let status = try await Self.control(fleet, ["status", pausedName, "--json"])
            #expect(try await status.waitForExit() == 0, "\(status.allOutput)")
            #expect(status.stdoutLines.joined().contains("INC-7: the API is down"), "\(status.allOutput)")

            // Taken before the resume is asked for: a tick after this may rightly run once the
            // resume lands, before the command has exited.
            resumedAtMS = FleetTime.nowNS() / 1_000_000
            let resume = try await Self.control(fleet, ["resume", pausedName])
            #expect(try await resume.waitForExit() == 0, "\(resume.allOutput)")
            try await Fleet.waitFor("a run after the resume", timeout: .seconds(60)) {
                try fleet.runs().contains { $0.job == pausedName && $0.tickMS > resumedAtMS } ? true : nil
            }
        }

        let interval = paused.intervalMS
        let pausedRuns = try fleet.runs().filter { $0.job == pausedName }
        let duringPause = pausedRuns.filter { $0.tickMS > pausedAtMS + interval && $0.tickMS <= resumedAtMS }
        #expect(duringPause.isEmpty, "no run from the next tick on: \(duringPause)")
        let skips = fleet.events("job.skipped", job: paused).filter { $0.string("reason") == "paused" }
        let ticks = skips.compactMap(\.tickMS)
        #expect(Set(ticks).count == ticks.count, "each paused tick is reported once for the fleet: \(ticks.sorted())")
        #expect(Set(skips.map(\.owner)).count > 1, "more than one process skipped paused ticks")
        for skip in skips {
            #expect(skip.string("pause_reason") == "INC-7: the API is down" && skip.string("paused_by") == "ops", "\(skip)")
            #expect(skip.string("paused_at") != nil, "\(skip)")
        }
        // Paused ticks are handled, not missed (a loaded machine may miss ticks outside the pause).
        let missedWhilePaused = fleet.events("job.missed", job: paused).filter { event in
            let first = event.string("first_tick").flatMap(FleetTime.milliseconds(fromTimestamp:)) ?? 0
            return (event.tickMS ?? 0) > pausedAtMS + interval && first <= resumedAtMS
        }
        #expect(missedWhilePaused.isEmpty, "paused ticks are not missed: \(missedWhilePaused)")
        let otherTicks = try fleet.runs().filter { $0.job == otherName && $0.tickMS > pausedAtMS && $0.tickMS < resumedAtMS }
        // Every process is stopped and restarted inside the pause, so the other job runs only
        // while they are up: at least once before and once after the restart.
        #expect(otherTicks.count >= 2, "the other job runs on: \(otherTicks)")
        #expect(try scenario.analyze().overlaps.isEmpty)
        expectCleanExits(fleet)
    }

    @Test func aTriggerRunsTheJobOnceOnOneProcessRecordedAsManual() async throws {
        let job = FleetJob(name: "manual", interval: .seconds(3600), run: .milliseconds(300))
        let scenario = try FleetScenario("trigger", jobs: [job])
        let fleet = scenario.fleet
        let name = fleet.name(of: job)
        try await scenario.run(Self.controlPoll) { fleet in
            let trigger = try await Self.control(fleet, ["trigger", name, "--wait"])
            #expect(try await trigger.waitForExit() == 0, "\(trigger.allOutput)")
            #expect(trigger.stdoutLines.joined().contains("succeeded"), "\(trigger.allOutput)")
        }
        // Only the manual run counts: a test that starts just after the hour also catches up
        // the hourly tick (runs with a tick, events without `kind: manual`).
        let runs = try fleet.runs().filter { $0.job == name && $0.tickMS == 0 }
        #expect(runs.count == 1, "exactly one run for the trigger: \(runs)")
        let started = fleet.events("job.started", job: job).filter { $0.string("tick") == nil }
        #expect(started.count == 1 && started.first?.string("kind") == "manual", "\(started)")
        #expect(started.first?.integer("token") == runs.first?.token)

        let history = try await JobKitProcess.run(["history", name, "--json", "--database-url", fleet.databaseURL])
        #expect(try await history.waitForExit() == 0, "\(history.allOutput)")
        let object = try JSONSerialization.jsonObject(with: Data(history.stdoutLines.joined().utf8)) as? [String: Any]
        let rows = try #require(object?["runs"] as? [[String: Any]]).filter { $0["tick"] is NSNull }
        #expect(rows.count == 1 && rows.first?["kind"] as? String == "manual", "\(rows)")
        expectCleanExits(fleet)
    }

    @Test func aTriggerNoSchedulerPicksUpIsWithdrawnAndReported() async throws {
        let job = FleetJob(name: "orphan", interval: .seconds(3600), run: .milliseconds(10))
        let scenario = try FleetScenario("orphan", jobs: [job])
        let fleet = scenario.fleet
        let migrate = try await JobKitProcess.run(["migrate", "--database-url", fleet.databaseURL])
        #expect(try await migrate.waitForExit() == 0, "\(migrate.allOutput)")
        let trigger = try await Self.control(fleet, ["trigger", fleet.name(of: job), "--pickup-timeout", "1"])
        #expect(try await trigger.waitForExit() == 5, "\(trigger.allOutput)")
        #expect(trigger.allOutput.contains("no running scheduler picked up"), "\(trigger.allOutput)")
    }

    @Test func pausingAnUnknownJobNamesTheKnownOnesAndABadReasonIsRefused() async throws {
        let job = FleetJob(name: "known", interval: .seconds(3600), run: .milliseconds(10))
        let scenario = try FleetScenario("badinput", jobs: [job])
        let fleet = scenario.fleet
        let name = fleet.name(of: job)
        let unknown = try await Self.control(fleet, ["pause", name + "x"])
        #expect(try await unknown.waitForExit() == 1, "\(unknown.allOutput)")
        #expect(unknown.allOutput.contains("Did you mean \"\(name)\"?"), "\(unknown.allOutput)")
        for reason in ["", String(repeating: "x", count: 10 * 1024)] {
            let bad = try await Self.control(fleet, ["pause", name, "--reason", reason])
            #expect(try await bad.waitForExit() == 64, "\(bad.allOutput)")
            #expect(bad.allOutput.contains("pause reason"), "\(bad.allOutput)")
        }
    }
}
