import FleetHarness
import Foundation
import Testing

/// Three `jobkit run` processes on a primary and a streaming standby of it, reached through
/// one multi-host URL with `target_session_attrs=read-write`; the primary crashes mid-run and
/// the standby is promoted. Each test starts its own two servers (scripts/test-postgres-standby)
/// on free ports; `scripts/test` runs them in a phase of their own, where two servers and three
/// schedulers do not slow the tests around them.
@Suite(.serialized)
struct FleetFailoverTests {
    /// A job every 500 ms: enough acquisitions within a few seconds of lost commits that a
    /// token sequence would hand some out again (PostgreSQL logs a sequence 32 values ahead).
    private static let jobs = (1...3).map { FleetJob(name: "job\($0)", interval: .milliseconds(500), run: .milliseconds(10)) }

    /// Crashes the primary once every process has run, waits until each reports the outage,
    /// promotes the standby, waits until each recovers and runs resume. Returns when the
    /// primary had crashed, when the promotion began and when it had ended (wall-clock
    /// milliseconds), and the seconds of commits lost.
    private func failOver(
        _ pair: StandbyPair, _ fleet: Fleet, runsBefore: Int
    ) async throws -> Failover {
        try await Fleet.waitFor("\(runsBefore) runs before the failover", timeout: .seconds(20)) {
            try fleet.runs().count >= runsBefore ? true : nil
        }
        try await pair.crash()
        let crashedMS = FleetTime.nowNS() / 1_000_000
        try await Fleet.waitFor("every process to report store.unavailable", timeout: .seconds(60)) {
            fleet.processes.allSatisfy { !$0.events("store.unavailable").isEmpty } ? true : nil
        }
        let promotingMS = FleetTime.nowNS() / 1_000_000
        let lost = try await pair.promote()
        let promotedMS = FleetTime.nowNS() / 1_000_000
        try await Fleet.waitFor("every process to report store.recovered", timeout: .seconds(60)) {
            fleet.processes.allSatisfy { !$0.events("store.recovered").isEmpty } ? true : nil
        }
        // Two seconds for a holder cut off by the crash to pass its liveness window, then
        // every job runs on the promoted standby.
        let settledMS = promotedMS + 2000
        try await Fleet.waitFor("two runs of every job on the promoted standby", timeout: .seconds(60)) {
            let runs = try fleet.runs().filter { $0.tickMS > settledMS }
            return fleet.jobs.allSatisfy { job in runs.filter { $0.job == fleet.name(of: job) }.count >= 2 } ? true : nil
        }
        return Failover(crashedMS: crashedMS, promotingMS: promotingMS, promotedMS: promotedMS, lostSeconds: lost)
    }

    private struct Failover {
        var crashedMS: Int64 = 0
        var promotingMS: Int64 = 0
        var promotedMS: Int64 = 0
        var lostSeconds: Double = 0
    }

    /// What holds through any failover: every process stayed up, saw one outage (`store.unavailable`,
    /// not permanent, then `store.recovered`), no tick after the crash ran before the
    /// promotion, and from the liveness window of a holder cut off by the crash on, every tick
    /// ran or was skipped with its reason (its previous run still going, on a slow machine).
    private func expectResumed(_ scenario: FleetScenario, _ failover: Failover, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let promotedMS = failover.promotedMS
        for process in scenario.fleet.processes {
            let outage = process.events.filter { $0.name == "store.unavailable" || $0.name == "store.recovered" }
            #expect(outage.map(\.name) == ["store.unavailable", "store.recovered"], "\(process.owner): \(outage)", sourceLocation: sourceLocation)
            #expect(outage.first?.bool("permanent") != true, "\(process.owner): \(outage)", sourceLocation: sourceLocation)
        }
        let analysis = try scenario.analyze()
        let duringOutage = analysis.runs.filter { $0.tickMS > failover.crashedMS && $0.startNS / 1_000_000 < failover.promotingMS }
        #expect(duringOutage.isEmpty, "runs with no primary: \(duringOutage)", sourceLocation: sourceLocation)
        let unexplained = analysis.unexplainedGaps.filter { $0.tickMS > promotedMS + 2000 }
        #expect(unexplained.isEmpty, "\(analysis)\n\(scenario.transcript)", sourceLocation: sourceLocation)
        expectCleanExits(scenario.fleet, sourceLocation: sourceLocation)
    }

    /// A synchronous standby has every commit the primary acknowledged, so its promotion loses
    /// nothing: no tick runs twice, no runs overlap, no run goes without its lock, and each
    /// job's fencing tokens keep increasing across the failover.
    @Test func aSynchronousStandbyPromotedUnderThreeSchedulersLosesNoGuarantee() async throws {
        try await StandbyPair.with(.synchronous) { pair in
            let scenario = try FleetScenario("failover-sync", jobs: Self.jobs, databaseURL: pair.url)
            var failover = Failover()
            try await scenario.run(.uniform(3)) { fleet in
                failover = try await failOver(pair, fleet, runsBefore: 6)
            }
            let analysis = try scenario.analyze()
            #expect(analysis.duplicates.isEmpty, "\(analysis)")
            #expect(analysis.overlaps.isEmpty, "\(analysis)")
            #expect(analysis.unlockedRuns.isEmpty, "\(analysis)")
            #expect(analysis.tokenRegressions.isEmpty, "\(analysis.tokenRegressions)")
            #expect(analysis.runs.contains { $0.tickMS < failover.crashedMS }, "no run before the failover: \(analysis)")
            try expectResumed(scenario, failover)
        }
    }

    /// An asynchronous standby 4 seconds behind: the failover loses the primary's last 4
    /// seconds of commits (acquisitions, releases, ticks claimed). Fencing tokens still
    /// increase for every lock, none is issued twice, because a token is drawn on the
    /// database's clock, which the promoted standby shares, past the lock's previous token;
    /// no tick runs twice (each process remembers what it fired) and no runs overlap.
    @Test func anAsynchronousStandbyFourSecondsBehindStillIssuesIncreasingTokens() async throws {
        try await StandbyPair.with(.asynchronous(delaySeconds: 4)) { pair in
            let scenario = try FleetScenario("failover-async", jobs: Self.jobs, databaseURL: pair.url)
            var failover = Failover()
            try await scenario.run(.uniform(3)) { fleet in
                // Runs older than the delay, so the standby has some of them and loses the rest.
                failover = try await failOver(pair, fleet, runsBefore: 30)
            }
            #expect(failover.lostSeconds >= 3, "the standby was \(failover.lostSeconds) s behind, not the 4 s set")
            let analysis = try scenario.analyze()
            #expect(analysis.tokenRegressions.isEmpty, "\(analysis.tokenRegressions)\n\(scenario.transcript)")
            #expect(analysis.duplicates.isEmpty, "\(analysis)")
            #expect(analysis.overlaps.isEmpty, "\(analysis)")
            #expect(analysis.unlockedRuns.isEmpty, "\(analysis)")
            try expectResumed(scenario, failover)
        }
    }
}
