import Foundation
import JobKit
import Testing

/// ``TickPlanner/catchUp``: at start, the latest tick within grace runs; nothing older does.
@Suite struct TickPlannerCatchUpTests {
    static let t0 = utc("2026-01-01T00:00:00Z")

    @Test func atStartTheLatestTickWithinGraceRuns() {
        let planner = TickPlanner(schedule: .every(.seconds(60)), grace: .seconds(30), catchUp: true)
        for now in [Self.t0, Self.t0 + 0.001, Self.t0 + 30] {
            let plan = planner.plan(lastHandled: nil, now: now)
            #expect(plan.run == Self.t0, "started at \(now)")
            #expect(plan.misfired == nil && plan.coalesced == 0)
            #expect(plan.nextTick == Self.t0 + 60)
            #expect(plan.lastHandled == now)
        }
    }

    @Test func aTickOlderThanGraceIsNotCaughtUp() {
        let planner = TickPlanner(schedule: .every(.seconds(60)), grace: .seconds(30), catchUp: true)
        let plan = planner.plan(lastHandled: nil, now: Self.t0 + 30.001)
        #expect(plan.run == nil)
        #expect(plan.misfired == nil, "ticks before this process started are the fleet's to report, as job.missed")
        #expect(plan.nextTick == Self.t0 + 60)
    }

    @Test func cronSchedulesCatchUpToo() throws {
        let cron = try CronExpression("*/5 * * * *")
        let planner = TickPlanner(schedule: .cron(cron, TimeZone(identifier: "UTC")!), grace: .seconds(60), catchUp: true)
        #expect(planner.plan(lastHandled: nil, now: Self.t0 + 59).run == Self.t0)
        #expect(planner.plan(lastHandled: nil, now: Self.t0 + 61).run == nil)
    }
}
