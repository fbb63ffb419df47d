import FleetHarness
import Testing

/// The fleet checks on made-up records and events: each one finds what it must, so a green
/// fleet test means the promise held, not that the check was blind.
struct FleetAnalysisTests {
    private static let tick0: Int64 = 1_795_400_000_000
    private static let job = "j"

    private static func run(tick: Int64, token: Int64, start: Int64, end: Int64?) -> FleetRun {
        FleetRun(
            job: job, tickMS: tick0 + tick * 1000, token: token, startNS: (tick0 + start) * 1_000_000,
            endNS: end.map { (tick0 + $0) * 1_000_000 }, endReason: end == nil ? nil : "ok", pid: 100 + Int32(token)
        )
    }

    private static func event(_ name: String, _ fields: [String: FleetValue], process: Int = 0) -> FleetEvent {
        var all = fields
        all["event"] = .string(name)
        all["job"] = .string(job)
        return FleetEvent(process: process, owner: "p\(process)", receivedNS: 0, fields: all)
    }

    private static func started(_ run: FleetRun) -> FleetEvent {
        event("job.started", ["tick": .string(FleetTime.timestamp(milliseconds: run.tickMS)), "token": .integer(run.token)])
    }

    private static func analyze(_ runs: [FleetRun], _ events: [FleetEvent], ticks: ClosedRange<Int64>? = nil) -> FleetAnalysis {
        let window = ticks.map { (tick0 + $0.lowerBound * 1000)...(tick0 + $0.upperBound * 1000) }
        return FleetAnalysis(
            runs: runs, events: events + runs.map(started),
            jobs: [FleetAnalysis.JobSpec(name: job, intervalMS: 1000, window: window)]
        )
    }

    @Test func timestampsRoundTrip() {
        let text = FleetTime.timestamp(milliseconds: 1_795_406_938_123)
        #expect(text == "2026-11-23T04:08:58.123Z")
        #expect(FleetTime.milliseconds(fromTimestamp: text) == 1_795_406_938_123)
        #expect(FleetTime.milliseconds(fromTimestamp: "2026-11-23T04:08:58Z") == nil)
        for milliseconds: Int64 in [0, 951_782_400_007, 4_107_542_399_999, -1] {
            #expect(FleetTime.milliseconds(fromTimestamp: FleetTime.timestamp(milliseconds: milliseconds)) == milliseconds)
        }
        #expect(FleetTime.timestamp(milliseconds: 951_782_400_007) == "2000-02-29T00:00:00.007Z")
    }

    @Test func recordLinesPairStartsWithEnds() throws {
        let text = """
            start j 2026-11-23T04:08:58.000Z 7 1795406938006897 25080 -
            start j 2026-11-23T04:08:59.000Z 8 1795406939004869 25086 -
            end j 2026-11-23T04:08:58.000Z 7 1795406938020039 25080 ok
            """
        let runs = try FleetRun.parse(text)
        #expect(runs.map(\.token) == [7, 8])
        #expect(runs[0].endNS == 1_795_406_938_020_039_000 && runs[0].endReason == "ok")
        #expect(runs[1].endNS == nil)
        #expect(throws: FleetError.self) { try FleetRun.parse("end j 2026-11-23T04:08:58.000Z 7 1 2 ok") }
        #expect(throws: FleetError.self) { try FleetRun.parse("start j yesterday 7 1 2 -") }
    }

    @Test func oneRunPerTickPassesEveryCheck() {
        let runs = (1...4).map { Self.run(tick: $0, token: $0, start: $0 * 1000 + 2, end: $0 * 1000 + 12) }
        let analysis = Self.analyze(runs, [], ticks: 1...4)
        #expect(analysis.jobs[0].expectedTicks == 4 && analysis.jobs[0].runsPerTick == 1)
        #expect(analysis.duplicates.isEmpty && analysis.gaps.isEmpty && analysis.overlaps.isEmpty)
        #expect(analysis.unlockedRuns.isEmpty && analysis.unfinishedRuns.isEmpty)
    }

    @Test func aTickRunTwiceIsADuplicate() {
        let runs = [Self.run(tick: 1, token: 1, start: 1002, end: 1012), Self.run(tick: 1, token: 2, start: 1400, end: 1410)]
        let analysis = Self.analyze(runs, [], ticks: 1...1)
        #expect(analysis.duplicates.count == 1)
        #expect(analysis.duplicates.first?.runs.count == 2)
        #expect(analysis.jobs[0].runsPerTick == 2)
    }

    @Test func aMissingTickIsAGapExplainedOnlyByASkip() {
        let runs = [Self.run(tick: 1, token: 1, start: 1002, end: 2500), Self.run(tick: 4, token: 2, start: 4002, end: 4012)]
        let held = Self.event("job.skipped", ["tick": .string(FleetTime.timestamp(milliseconds: Self.tick0 + 2000)), "reason": .string("lock_held")])
        let ran = Self.event("job.skipped", ["tick": .string(FleetTime.timestamp(milliseconds: Self.tick0 + 3000)), "reason": .string("already_ran")])
        let analysis = Self.analyze(runs, [held, ran], ticks: 1...4)
        #expect(analysis.gaps.map(\.tickMS) == [Self.tick0 + 2000, Self.tick0 + 3000])
        #expect(analysis.unexplainedGaps.map(\.tickMS) == [Self.tick0 + 3000], "already_ran explains nothing: the tick never ran")
    }

    @Test func overlappingRunsAreFoundAndMatchedToTheirReports() {
        let older = Self.run(tick: 1, token: 5, start: 1002, end: 3000)
        let newer = Self.run(tick: 2, token: 9, start: 2002, end: 2500)
        let unreported = Self.analyze([older, newer], [])
        #expect(unreported.overlaps.count == 1)
        #expect(unreported.unreportedOverlaps.count == 1)
        #expect(unreported.overlaps.first?.overlapMS == 498)
        #expect(unreported.overlaps.first?.tokensFollowStarts == true)

        let lost = Self.event("lock.lost", ["token": .integer(5)], process: 1)
        let overran = Self.event("job.overran", ["token": .integer(5), "overlapped": .bool(true)], process: 1)
        let notOverlapped = Self.event("job.overran", ["token": .integer(5), "overlapped": .bool(false)], process: 1)
        #expect(Self.analyze([older, newer], [notOverlapped]).unreportedOverlaps.count == 1)
        #expect(Self.analyze([older, newer], [lost]).unreportedOverlaps.isEmpty)
        #expect(Self.analyze([older, newer], [lost, overran]).overlaps.first?.reports == ["p1 lock.lost", "p1 job.overran"])
        // A report for the newer token does not cover the older one's overlap.
        let wrongToken = Self.event("lock.lost", ["token": .integer(9)])
        #expect(Self.analyze([older, newer], [wrongToken]).unreportedOverlaps.count == 1)
    }

    @Test func aRunThatNeverEndedOverlapsEverythingAfterIt() {
        let orphan = Self.run(tick: 1, token: 5, start: 1002, end: nil)
        let later = Self.run(tick: 4, token: 9, start: 4002, end: 4010)
        let analysis = Self.analyze([orphan, later], [])
        #expect(analysis.overlaps.count == 1)
        #expect(analysis.unfinishedRuns.map(\.token) == [5])
    }

    @Test func aRunNoJobStartedVouchesForRanWithoutTheLock() {
        let run = Self.run(tick: 1, token: 5, start: 1002, end: 1010)
        let analysis = FleetAnalysis(
            runs: [run], events: [],
            jobs: [FleetAnalysis.JobSpec(name: Self.job, intervalMS: 1000, window: nil)]
        )
        #expect(analysis.unlockedRuns == [run])
    }
}
