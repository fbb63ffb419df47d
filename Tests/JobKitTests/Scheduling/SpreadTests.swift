import Foundation
@testable import JobKit
import Testing

/// `spread`: a stable, documented offset from the job's name that moves its whole grid of ticks.
@Suite struct SpreadTests {
    static let t0 = utc("2026-01-01T00:00:00Z")

    /// The instant `milliseconds` after ``t0``, made the way ticks are made.
    static func at(_ milliseconds: Int64) -> Date { Date(tickMilliseconds: 1_767_225_600_000 + milliseconds) }

    @Test func theHashIsFNV1a64OfTheUTF8Name() {
        // The published FNV-1a 64 test vectors.
        #expect(SpreadOffset.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(SpreadOffset.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(SpreadOffset.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func theOffsetIsTheHashModuloTheSpreadInMilliseconds() {
        let spread = Duration.seconds(600)
        for name in ["a", "nightly-report", "ünïcødé", "x/y:z"] {
            let expected = Int64(SpreadOffset.fnv1a64(name) % 600_000)
            #expect(SpreadOffset.offset(forJob: name, spread: spread) == .milliseconds(expected))
            #expect(SpreadOffset.offset(forJob: name, spread: spread) < spread)
        }
        // "a": 0xaf63dc4c8601ec8c mod 600000, written out so a change of formula is seen.
        #expect(SpreadOffset.offset(forJob: "a", spread: spread) == .milliseconds(Int64(0xaf63_dc4c_8601_ec8c as UInt64 % 600_000)))
        #expect(SpreadOffset.offset(forJob: "a", spread: .zero) == .zero)
        #expect(SpreadOffset.offset(forJob: "a", spread: .milliseconds(1)) == .zero)
    }

    @Test func namesSpreadOverTheWholeRange() {
        let offsets = Set((0..<100).map { SpreadOffset.offset(forJob: "job-\($0)", spread: .seconds(600)) })
        #expect(offsets.count > 90)
    }

    @Test func thePlannerRunsTheShiftedTicks() {
        let offset = Duration.milliseconds(123_456)
        let planner = TickPlanner(schedule: .every(.seconds(600)), grace: .seconds(30), offset: offset)
        let start = planner.plan(lastHandled: nil, now: Self.at(1000))
        #expect(start.nextTick == Self.at(123456))
        let onTime = planner.plan(lastHandled: start.lastHandled, now: Self.at(123500))
        #expect(onTime.run == Self.at(123456))
        #expect(onTime.nextTick == Self.at(723456))
        // The unshifted grid's instants are not ticks.
        let unshifted = planner.plan(lastHandled: onTime.lastHandled, now: Self.at(600001))
        #expect(unshifted.run == nil)
        #expect(unshifted.nextTick == Self.at(723456))
        // Missed ticks are counted on the shifted grid.
        let late = planner.plan(lastHandled: onTime.lastHandled, now: Self.at(3123500))
        #expect(late.run == Self.at(3123456))
        #expect(late.misfired == MissedTicks(count: 4, first: Self.at(723456), last: Self.at(2523456)))
    }

    @Test func cronTicksMoveToo() throws {
        let schedule = Schedule.cron(try CronExpression("0 * * * *"), zone("Europe/Berlin"))
        let planner = TickPlanner(schedule: schedule, grace: .seconds(30), offset: .seconds(150))
        #expect(planner.plan(lastHandled: nil, now: Self.at(1000)).nextTick == Self.at(150000))
        #expect(planner.plan(lastHandled: nil, now: Self.at(151000)).nextTick == Self.at(3750000))
    }

    @Test func aScheduledJobAndADefinitionAgreeOnTheOffset() {
        let definition = JobDefinition(name: "report", type: "report", schedule: .every(.seconds(3600)), spread: .seconds(600))
        let job = ScheduledJob(
            name: "report", schedule: .every(.seconds(3600)), job: NoOpSpreadJob(), spread: .seconds(600)
        )
        #expect(definition.tickOffset == job.tickOffset)
        #expect(job.tickOffset == SpreadOffset.offset(forJob: "report", spread: .seconds(600)))
    }

    @Test func statusListsTheShiftedNextTicks() throws {
        let definition = JobDefinition(name: "report", type: "report", schedule: .every(.seconds(60)), spread: .seconds(30))
        let offset = SpreadOffset.offsetMilliseconds(forJob: "report", spread: .seconds(30))
        let report = try JobStatusReport.read([definition], from: InMemoryLockStore(), at: Self.at(60000), nextTickCount: 2)
        #expect(report.jobs.first?.nextTicks == [Self.at(60_000 + offset), Self.at(120_000 + offset)])
    }
}

private struct NoOpSpreadJob: NonOverlappingJob {
    func runWorker(context: JobContext) async throws {}
}

/// The queue lock of `"overlap": "queue_one"`.
@Suite struct QueueLockTests {
    @Test func theQueueLockIsNamedAfterTheJobsLock() {
        let job = ScheduledJob(name: "report", schedule: .every(.seconds(60)), lockID: "nightly", job: QueueLockJob(), overlap: .queueOne)
        #expect(job.queueLockID == "queue:nightly")
        #expect(job.overlap == .queueOne && OverlapPolicy(name: "queue_one") == .queueOne && OverlapPolicy.names == ["skip", "queue_one"])
        let long = String(repeating: "x", count: 255)
        let longJob = ScheduledJob(name: long, schedule: .every(.seconds(60)), job: QueueLockJob())
        #expect(longJob.queueLockID == "queue:" + String(SpreadOffset.fnv1a64(long), radix: 16))
        #expect(ScheduledJob(name: "a", schedule: .every(.seconds(1)), job: QueueLockJob()).overlap == .skip)
    }
}

private struct QueueLockJob: NonOverlappingJob {
    func runWorker(context: JobContext) async throws {}
}
