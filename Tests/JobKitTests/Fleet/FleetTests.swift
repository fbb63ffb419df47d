import FleetHarness
import Foundation
import Testing

/// Fleet guarantees proven with real processes: several `jobkit run` processes on one jobs
/// file and the test database, whose jobs record every run (``FleetRecordScript``), checked by
/// ``FleetAnalysis``. Each scenario takes a few seconds of real time; all of them are bounded.
@Suite(.serialized)
struct FleetTests {
    private static let second: Duration = .seconds(1)

    /// Four processes, a 10 ms job and a job of 1.5 intervals: the short job runs exactly once
    /// per tick; the long one runs on every tick it can start, never twice at once, and each
    /// tick it cannot start is skipped for a reason (`lock_held` elsewhere, `still_running` on
    /// its holder).
    @Test func fourProcessesRunEveryTickOnceAndNeverOverlap() async throws {
        let short = FleetJob(name: "short", interval: Self.second, run: .milliseconds(10))
        let long = FleetJob(name: "long", interval: Self.second, run: .milliseconds(1500))
        let scenario = try FleetScenario("baseline", jobs: [short, long])
        try await scenario.run(.uniform(4)) { _ in try await Task.sleep(for: .seconds(7)) }

        let analysis = try scenario.analyze()
        let (shortFigures, longFigures) = (analysis.jobs[0], analysis.jobs[1])
        #expect(shortFigures.expectedTicks >= 4, "\(analysis)")
        #expect(shortFigures.runsPerTick == 1, "\(analysis)")
        #expect(analysis.duplicates.isEmpty, "\(analysis)")
        #expect(analysis.gaps.allSatisfy { $0.job == scenario.fleet.name(of: long) }, "\(analysis)")
        #expect(analysis.unexplainedGaps.isEmpty, "\(analysis)\n\(scenario.transcript)")
        #expect(analysis.overlaps.isEmpty, "\(analysis)")
        #expect(analysis.unlockedRuns.isEmpty, "\(analysis)")
        // A run of 1.5 intervals leaves every other tick to a skip.
        #expect(longFigures.runs >= 2, "\(analysis)")
        #expect(longFigures.runsInWindow < longFigures.expectedTicks, "\(analysis)")
        #expect(scenario.fleet.events("job.overran").isEmpty)
        #expect(scenario.fleet.events("lock.recovered").isEmpty)
        expectCleanExits(scenario.fleet)
    }

    /// Scheduler clocks skewed across ±0.4 of the interval (the lock store's clock decides):
    /// still exactly one run per tick, because a tick is named by its grid time and the store
    /// refuses a tick not newer than the last one claimed. The fastest clock joins a running
    /// fleet, and no tick is lost when it does: it is less than one interval ahead of the
    /// slowest, so its first tick is claimed after the fleet's previous one.
    @Test func clockSkewOfFourTenthsOfTheIntervalStillRunsEachTickOnce() async throws {
        let short = FleetJob(name: "short", interval: Self.second, run: .milliseconds(10))
        let long = FleetJob(name: "long", interval: Self.second, run: .milliseconds(1500))
        let scenario = try FleetScenario("skew", jobs: [short, long])
        let clocks = [FleetProcessOptions].skewed(4, by: .milliseconds(400))
        var firstRunning: Int64 = 0
        try await scenario.run(Array(clocks.prefix(3))) { fleet in
            firstRunning = try #require(fleet.runningSinceNS)
            try await Task.sleep(for: .milliseconds(1500))
            try fleet.start([clocks[3]])
            try await fleet.waitUntilRunning()
            try await Task.sleep(for: .milliseconds(5500))
        }

        // From the first three's start, so the window spans the fourth one's arrival.
        let analysis = try scenario.analyze(runningSinceNS: firstRunning)
        #expect(analysis.jobs[0].expectedTicks >= 5, "\(analysis)")
        #expect(analysis.jobs[0].runsPerTick == 1, "\(analysis)")
        #expect(analysis.duplicates.isEmpty, "\(analysis)")
        #expect(analysis.unexplainedGaps.isEmpty, "\(analysis)\n\(scenario.transcript)")
        #expect(analysis.overlaps.isEmpty, "\(analysis)")
        #expect(analysis.unlockedRuns.isEmpty, "\(analysis)")
        // The skew is real: once it has joined, the process 0.4 s ahead claims the short ticks first.
        let runners = Set(scenario.fleet.events("job.started", job: short).map(\.process))
        #expect(runners.contains(3), "the process whose clock runs ahead should win ticks: \(runners)")
        expectCleanExits(scenario.fleet)
    }

    /// `kill -9` of the scheduler holding a long job: another process takes the lock over
    /// within the liveness window (plus at most one interval, when it next fires) and says
    /// whom it took it from. The killed scheduler's shell job is not killed with it (it runs
    /// in a process group of its own) and keeps running next to the new holder's run,
    /// unreported: a known gap.
    @Test func aKilledHolderFreesItsLockWithinTheLivenessWindow() async throws {
        let hold = FleetJob(name: "hold", interval: Self.second, run: .seconds(5))
        let scenario = try FleetScenario("kill", jobs: [hold])
        let fleet = scenario.fleet
        var killedAt: Int64 = 0
        var acquiredAt: Int64 = 0
        var victim = ""
        var victimToken: Int64 = 0
        var recovered: FleetEvent?
        try await scenario.run(.uniform(3)) { fleet in
            let started = try await Fleet.waitFor("the first run", timeout: .seconds(60)) {
                fleet.events("job.started", job: hold).first
            }
            let holder = try #require(fleet.process(owner: started.owner))
            victim = holder.owner
            victimToken = try #require(started.integer("token"))
            acquiredAt = started.receivedNS
            // job.started comes before the spawn: the job must be running when its scheduler dies.
            try await fleet.waitForRecordedStart(of: hold, token: victimToken)
            // A beat or two in, so the liveness deadline is one the holder extended.
            try await Task.sleep(for: .milliseconds(700))
            killedAt = FleetTime.nowNS()
            holder.signal(SIGKILL)
            recovered = try await Fleet.waitFor("a takeover", timeout: .seconds(60)) {
                fleet.events("lock.recovered", job: hold).first
            }
            try await Fleet.waitFor("the new run to record its start", timeout: .seconds(5)) {
                try fleet.runs().count >= 2 ? true : nil
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        let takeover = try #require(recovered)
        #expect(takeover.string("previous_owner") == victim)
        #expect(takeover.integer("previous_token") == victimToken)
        #expect(takeover.string("reason") == "owner_dead")
        #expect(takeover.owner != victim)
        #expect((takeover.integer("token") ?? 0) > victimToken)
        // Not before the window had passed since the holder's last sign of life (at least its
        // acquire), and at most one interval (the next fire) after the window from the kill.
        let window = Double(FleetScenario.heartbeatWindow.components.seconds)
        #expect(Double(takeover.receivedNS - acquiredAt) / 1e9 >= window - 0.05, "\(scenario.transcript)")
        let latency = Double(takeover.receivedNS - killedAt) / 1e9
        #expect(latency <= window + 1 + 1, "takeover \(latency) s after the kill\n\(scenario.transcript)")

        let analysis = try scenario.analyze()
        #expect(analysis.duplicates.isEmpty, "\(analysis)")
        #expect(analysis.unlockedRuns.isEmpty, "\(analysis)")
        #expect(fleet.process(owner: victim)?.exitStatus == 128 + SIGKILL)
        // The killed scheduler's watchdog ended its job (SIGTERM to the job's group), so the
        // new holder's run did not overlap it.
        #expect(analysis.unreportedOverlaps.isEmpty, "\(analysis)")
        #expect(analysis.overlaps.isEmpty, "\(analysis)")
        let orphan = try #require(analysis.runs.first { $0.token == victimToken })
        #expect(orphan.endReason == "term", "the job was terminated with its scheduler: \(orphan)")
    }

    /// SIGSTOP of a holder past the liveness window, then SIGCONT: its job (a separate process
    /// group, not stopped) ran on, so the new holder's run overlaps it. The overlap is
    /// reported by both sides: `lock.recovered` (`owner_dead`) by the newcomer, `lock.lost`
    /// and `job.overran` with `overlapped` by the resumed holder, which cancels its job; the
    /// newcomer's token is the larger.
    @Test func aFrozenHolderThatResumesReportsTheOverlapItCaused() async throws {
        let hold = FleetJob(name: "hold", interval: Self.second, run: .seconds(5))
        let scenario = try FleetScenario("freeze", jobs: [hold])
        var frozen = ""
        var oldToken: Int64 = 0
        var newToken: Int64 = 0
        try await scenario.run(.uniform(2)) { fleet in
            let started = try await Fleet.waitFor("the first run", timeout: .seconds(60)) {
                fleet.events("job.started", job: hold).first
            }
            let holder = try #require(fleet.process(owner: started.owner))
            frozen = holder.owner
            oldToken = try #require(started.integer("token"))
            // job.started comes before the spawn: frozen in between, the holder would start its
            // job only after the takeover, or never (the loss cancelling it first).
            try await fleet.waitForRecordedStart(of: hold, token: oldToken)
            holder.signal(SIGSTOP)
            let takeover = try await Fleet.waitFor("a takeover", timeout: .seconds(60)) {
                fleet.events("lock.recovered", job: hold).first
            }
            newToken = try #require(takeover.integer("token"))
            try await Task.sleep(for: .milliseconds(300))
            holder.signal(SIGCONT)
            try await Fleet.waitFor("the resumed holder's job.overran", timeout: .seconds(60)) {
                fleet.events("job.overran", job: hold).first { $0.integer("token") == oldToken }
            }
        }
        let fleet = scenario.fleet
        let takeover = try #require(fleet.events("lock.recovered", job: hold).first)
        #expect(takeover.string("previous_owner") == frozen)
        #expect(takeover.string("reason") == "owner_dead")
        #expect(newToken > oldToken)

        let lost = try #require(fleet.events("lock.lost", job: hold).first, "\(scenario.transcript)")
        #expect(lost.owner == frozen)
        #expect(lost.integer("token") == oldToken)
        #expect(lost.string("holder") == takeover.owner)
        #expect(lost.integer("holder_token") == newToken)
        let overran = try #require(fleet.events("job.overran", job: hold).first)
        #expect(overran.owner == frozen)
        #expect(overran.bool("overlapped") == true)
        #expect(overran.integer("holder_token") == newToken)
        #expect(lost.receivedNS <= overran.receivedNS)

        // The jobs' own records of the same overlap.
        let analysis = try scenario.analyze()
        #expect(analysis.overlaps.count == 1, "\(analysis)\n\(scenario.transcript)")
        let overlap = try #require(analysis.overlaps.first)
        #expect(overlap.older.token == oldToken && overlap.newer.token == newToken)
        #expect(overlap.tokensFollowStarts)
        #expect(overlap.reports.count == 2, "\(overlap)")
        // The resumed holder stopped its copy once it learned of the loss.
        #expect(overlap.older.endReason == "term")
        #expect(analysis.unreportedOverlaps.isEmpty, "\(analysis)")
        #expect(analysis.duplicates.isEmpty, "\(analysis)")
        expectCleanExits(fleet)
    }

    /// A TTL shorter than the run: `lock.expired` while it runs, then `job.overran` when it
    /// ends. Alone (the next tick comes after the run), `overlapped` is false; on a 1 s grid
    /// with a 1.5 s run, the next tick's process takes the expired lock over (`lock.recovered`,
    /// `expired`), and each such overlap is reported. Beats every 0.7 s, so a holder learns of
    /// the takeover (at 1 s) some 0.4 s after it: the overlap is long enough to record.
    @Test func aTTLShorterThanTheRunIsReportedAsExpiredThenOverran() async throws {
        // Two seconds between the end of one run and the next tick: room for a loaded machine
        // to start a run late without the next tick overlapping it.
        let alone = FleetJob(name: "alone", interval: .seconds(3), run: .seconds(1), ttl: .milliseconds(500))
        let chained = FleetJob(name: "chained", interval: Self.second, run: .milliseconds(1500), ttl: .milliseconds(500))
        let scenario = try FleetScenario("ttl", jobs: [alone, chained])
        let beats = FleetProcessOptions(heartbeatInterval: .milliseconds(700))
        try await scenario.run([beats, beats]) { _ in try await Task.sleep(for: .milliseconds(5500)) }
        let fleet = scenario.fleet

        let analysis = try scenario.analyze()
        #expect(analysis.duplicates.isEmpty, "\(analysis)")
        #expect(analysis.unreportedOverlaps.isEmpty, "\(analysis)\n\(scenario.transcript)")
        #expect(analysis.unlockedRuns.isEmpty, "\(analysis)")
        for job in [alone, chained] {
            let finished = analysis.runs.filter { $0.job == fleet.name(of: job) && $0.endReason != nil }
            #expect(!finished.isEmpty)
            for run in finished {
                let events = fleet.events.filter { $0.integer("token") == run.token && $0.string("job") == run.job }
                let names = events.compactMap(\.name)
                let expired = names.firstIndex(of: "lock.expired")
                let overran = names.firstIndex(of: "job.overran")
                // A run cut short by the fleet's own shutdown may end before its TTL.
                if run.endReason == "term", overran == nil { continue }
                #expect(expired != nil && overran != nil && expired! < overran!, "\(run): \(names)")
            }
        }
        let aloneOverruns = fleet.events("job.overran", job: alone)
        #expect(!aloneOverruns.isEmpty)
        // Whether an overrun overlapped is whether the next run took the expired lock before
        // the release reached the store: on the store's clock, the next run's start against
        // this one's end. A loaded machine may start a run or send its release late enough
        // for either; the event must say which happened.
        let ledger = try await Self.history(fleet, alone)
        func milliseconds(_ row: [String: Any], _ key: String) -> Int64? {
            (row[key] as? String).flatMap(FleetTime.milliseconds(fromTimestamp:))
        }
        for overrun in aloneOverruns {
            let token = try #require(overrun.integer("token"))
            let row = try #require(ledger.first { $0["token"] as? Int64 == token }, "\(ledger)")
            let ended = try #require(milliseconds(row, "ended_at"), "\(row)")
            let next = ledger.filter { ($0["token"] as? Int64 ?? 0) > token }
                .min { ($0["token"] as? Int64 ?? 0) < ($1["token"] as? Int64 ?? 0) }
            let nextStarted = next.flatMap { milliseconds($0, "started_at") }
            #expect(row["overlapped"] as? Bool == overrun.bool("overlapped"), "the ledger and the event agree: \(row), \(overrun)")
            if let nextStarted, nextStarted == ended { continue }  // the same millisecond: either
            let takenOver = nextStarted.map { $0 < ended } ?? false
            #expect(overrun.bool("overlapped") == takenOver, "\(overrun); ledger: \(ledger)")
        }
        #expect(!analysis.overlaps.filter { $0.job == fleet.name(of: chained) }.isEmpty, "\(analysis)")
        #expect(analysis.overlaps.allSatisfy { $0.job == fleet.name(of: chained) }, "\(analysis)")
        let takeovers = fleet.events("lock.recovered", job: chained)
        #expect(!takeovers.isEmpty && takeovers.allSatisfy { $0.string("reason") == "expired" })
        expectCleanExits(fleet)
    }
}

/// Every process exited with status 0 (after SIGTERM: a graceful shutdown), except those a
/// test killed.
func expectCleanExits(_ fleet: Fleet, sourceLocation: SourceLocation = #_sourceLocation) {
    for process in fleet.processes {
        #expect(process.exitStatus == 0, "\(process.owner): \(process.otherLines.suffix(5))", sourceLocation: sourceLocation)
    }
}
