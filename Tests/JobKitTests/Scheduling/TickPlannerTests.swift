import Foundation
import JobKit
import Testing

@Suite struct TickPlannerTests {
    /// A tick of every grid used here (a multiple of 1 ms, 1 s, 10 s and 1 min).
    static let t0 = utc("2026-01-01T00:00:00Z")

    func planner(every interval: Duration, grace: Duration) -> TickPlanner {
        TickPlanner(schedule: .every(interval), grace: grace)
    }

    @Test func atStartNothingInThePastRuns() {
        let planner = planner(every: .seconds(60), grace: .seconds(30))
        // Even when started exactly on a tick, or right after one.
        for now in [Self.t0, Self.t0 + 0.001, Self.t0 + 10] {
            let plan = planner.plan(lastHandled: nil, now: now)
            #expect(plan.run == nil)
            #expect(plan.coalesced == 0)
            #expect(plan.misfired == nil)
            #expect(plan.nextTick == Self.t0 + 60)
            #expect(plan.lastHandled == now)
        }
    }

    @Test func anUnusableLastHandledCountsAsStart() {
        let planner = planner(every: .seconds(60), grace: .seconds(30))
        let plan = planner.plan(lastHandled: Date(timeIntervalSince1970: .nan), now: Self.t0 + 10)
        #expect(plan.run == nil)
        #expect(plan.nextTick == Self.t0 + 60)
        #expect(plan.lastHandled == Self.t0 + 10)
    }

    @Test func onTimeFireRunsThatTick() {
        let planner = planner(every: .seconds(60), grace: .seconds(30))
        // The timer for t0+60 fires 50 ms late.
        let plan = planner.plan(lastHandled: Self.t0 + 10, now: Self.t0 + 60.05)
        #expect(plan.run == Self.t0 + 60)
        #expect(plan.coalesced == 0)
        #expect(plan.misfired == nil)
        #expect(plan.nextTick == Self.t0 + 120)
        #expect(plan.lastHandled == Self.t0 + 60)
        // Asking again in the same instant (a duplicate wake-up) runs nothing more.
        let again = planner.plan(lastHandled: plan.lastHandled, now: Self.t0 + 60.1)
        #expect(again.run == nil)
        #expect(again.misfired == nil)
        #expect(again.nextTick == Self.t0 + 120)
        #expect(again.lastHandled == Self.t0 + 60)
    }

    @Test func missedTicksWithinGraceAreCoalescedIntoOneRunOfTheLatest() {
        let planner = planner(every: .seconds(10), grace: .seconds(60))
        // Paused 45 s: ticks +10, +20, +30, +40 are due, aged 35, 25, 15 and 5 s.
        let plan = planner.plan(lastHandled: Self.t0, now: Self.t0 + 45)
        #expect(plan.run == Self.t0 + 40)
        #expect(plan.coalesced == 3)
        #expect(plan.misfired == nil)
        #expect(plan.nextTick == Self.t0 + 50)
        #expect(plan.lastHandled == Self.t0 + 40)
    }

    @Test func aTickBeyondGraceIsReportedNotRun() {
        let planner = planner(every: .seconds(60), grace: .seconds(30))
        // The tick at +60 is 45 s old when the process wakes.
        let plan = planner.plan(lastHandled: Self.t0, now: Self.t0 + 105)
        #expect(plan.run == nil)
        #expect(plan.coalesced == 0)
        #expect(plan.misfired == MissedTicks(count: 1, first: Self.t0 + 60, last: Self.t0 + 60))
        #expect(plan.nextTick == Self.t0 + 120)
        // Handled, so the next plan does not report it again.
        #expect(plan.lastHandled == Self.t0 + 60)
        let next = planner.plan(lastHandled: plan.lastHandled, now: Self.t0 + 120.01)
        #expect(next.run == Self.t0 + 120)
        #expect(next.misfired == nil)
    }

    @Test func oldTicksMisfireWhileRecentOnesCoalesce() {
        let planner = planner(every: .seconds(10), grace: .seconds(25))
        // Due: +10 … +100. Within 25 s of +100: +80, +90, +100. Missed: +10 … +70.
        let plan = planner.plan(lastHandled: Self.t0, now: Self.t0 + 100)
        #expect(plan.run == Self.t0 + 100)
        #expect(plan.coalesced == 2)
        #expect(plan.misfired == MissedTicks(count: 7, first: Self.t0 + 10, last: Self.t0 + 70))
        #expect(plan.nextTick == Self.t0 + 110)
    }

    @Test func graceIsInclusiveToTheMillisecond() {
        let planner = planner(every: .seconds(60), grace: .seconds(30))
        let exactly = planner.plan(lastHandled: Self.t0, now: Self.t0 + 90)
        #expect(exactly.run == Self.t0 + 60)
        let late = planner.plan(lastHandled: Self.t0, now: Self.t0 + 90.001)
        #expect(late.run == nil)
        #expect(late.misfired?.count == 1)
    }

    @Test func zeroOrNegativeGraceRunsOnlyInTheTicksOwnMillisecond() {
        for grace in [Duration.zero, .seconds(-5)] {
            let planner = planner(every: .seconds(60), grace: grace)
            #expect(planner.plan(lastHandled: Self.t0, now: Self.t0 + 60).run == Self.t0 + 60)
            #expect(planner.plan(lastHandled: Self.t0, now: Self.t0 + 60.0009).run == Self.t0 + 60)
            let late = planner.plan(lastHandled: Self.t0, now: Self.t0 + 60.001)
            #expect(late.run == nil)
            #expect(late.misfired?.count == 1)
        }
    }

    @Test func longPauseIsCountedNotListed() {
        let planner = planner(every: .seconds(1), grace: .seconds(5))
        // 10 000 ticks came due; the 5 youngest (+9996 … +10000) are within grace.
        let plan = planner.plan(lastHandled: Self.t0, now: Self.t0 + 10_000.5)
        #expect(plan.run == Self.t0 + 10_000)
        #expect(plan.coalesced == 4)
        #expect(plan.misfired == MissedTicks(count: 9995, first: Self.t0 + 1, last: Self.t0 + 9995))
        #expect(plan.nextTick == Self.t0 + 10_001)
    }

    @Test func countingDoesNotVisitEachTick() {
        // Ten years of a 1 ms interval: 315 576 000 000 ticks. Visiting each would not finish;
        // counting is a division.
        let planner = planner(every: .milliseconds(1), grace: .seconds(1))
        let tenYears = 3653.0 * 86_400  // 2026-01-01 to 2036-01-01, three leap days
        let plan = planner.plan(lastHandled: Self.t0, now: Self.t0 + tenYears)
        #expect(plan.run == Self.t0 + tenYears)
        #expect(plan.coalesced == 1000)
        #expect(plan.misfired?.count == 315_619_200_000 - 1001)
    }

    @Test func clockSteppedBackDoesNotBringHandledTicksBack() {
        let planner = planner(every: .seconds(60), grace: .seconds(30))
        let plan = planner.plan(lastHandled: Self.t0 + 120, now: Self.t0 + 30)
        #expect(plan.run == nil)
        #expect(plan.misfired == nil)
        #expect(plan.nextTick == Self.t0 + 180)
        #expect(plan.lastHandled == Self.t0 + 120)
    }

    @Test func cronPlanAcrossAWeekend() throws {
        let planner = TickPlanner(
            schedule: .cron(try CronExpression("0 9 * * MON-FRI"), zone("Europe/Berlin")),
            grace: .seconds(15 * 60)
        )
        // Friday's 09:00 CET run (08:00Z) was handled; Monday 09:05 CET it is Monday's turn.
        let friday = utc("2026-03-06T08:00:00Z")
        let monday = planner.plan(lastHandled: friday, now: utc("2026-03-09T08:05:00Z"))
        #expect(monday.run == utc("2026-03-09T08:00:00Z"))
        #expect(monday.coalesced == 0)
        #expect(monday.misfired == nil)
        #expect(monday.nextTick == utc("2026-03-10T08:00:00Z"))
        // Asleep until Wednesday 09:05: Monday and Tuesday misfired, Wednesday runs.
        let wednesday = planner.plan(lastHandled: friday, now: utc("2026-03-11T08:05:00Z"))
        #expect(wednesday.run == utc("2026-03-11T08:00:00Z"))
        #expect(wednesday.misfired == MissedTicks(count: 2, first: utc("2026-03-09T08:00:00Z"), last: utc("2026-03-10T08:00:00Z")))
    }

    @Test func cronPauseOfTenThousandMinutesAcrossSpringForward() throws {
        // Every minute in New York from 2026-03-07 00:00 EST (05:00Z) for 10 000 real
        // minutes, across the 23-hour day: each real minute is one tick.
        let planner = TickPlanner(schedule: .cron(try CronExpression("* * * * *"), zone("America/New_York")), grace: .seconds(90))
        let start = utc("2026-03-07T05:00:00Z")
        let plan = planner.plan(lastHandled: start, now: start + 10_000 * 60 + 30)
        #expect(plan.run == start + 10_000 * 60)
        #expect(plan.coalesced == 1)
        #expect(plan.misfired == MissedTicks(count: 9998, first: start + 60, last: start + 9998 * 60))
    }

    @Test func cronPauseOfAYearCountsTheTransitionDaysOnce() throws {
        // 02:30 daily in New York over 2026: 365 ticks. On 2026-03-08 the skipped 02:30 is one
        // tick at 03:00 EDT (miss it and the count is 364).
        let daily = TickPlanner(schedule: .cron(try CronExpression("30 2 * * *"), zone("America/New_York")), grace: .seconds(60))
        let plan = daily.plan(lastHandled: utc("2026-01-01T05:00:00Z"), now: utc("2027-01-01T05:00:00Z"))
        #expect(plan.run == nil)
        #expect(plan.misfired?.count == 365)
        #expect(plan.misfired?.first == utc("2026-01-01T07:30:00Z"))
        #expect(plan.misfired?.last == utc("2026-12-31T07:30:00Z"))
        // 01:30 daily: 365 ticks as well; the 01:30 that happens twice on 2026-11-01 is one
        // tick (count both and it is 366).
        let repeated = TickPlanner(schedule: .cron(try CronExpression("30 1 * * *"), zone("America/New_York")), grace: .seconds(60))
        #expect(repeated.plan(lastHandled: utc("2026-01-01T05:00:00Z"), now: utc("2027-01-01T05:00:00Z")).misfired?.count == 365)
        // Hourly over the year follows real hours: 8760, whatever the transitions.
        let hourly = TickPlanner(schedule: .cron(try CronExpression("@hourly"), zone("America/New_York")), grace: .seconds(60))
        let hourlyPlan = hourly.plan(lastHandled: utc("2026-01-01T05:00:00Z"), now: utc("2027-01-01T05:00:00Z"))
        #expect(hourlyPlan.run == utc("2027-01-01T05:00:00Z"))
        #expect(hourlyPlan.misfired?.count == 8759)
    }

    @Test func drivenLikeASchedulerEachTickIsRunOrReportedOnce() {
        // A timer loop with an injected clock: wake at each nextTick plus some latency, with
        // two stalls.
        let planner = planner(every: .seconds(10), grace: .seconds(15))
        let latencies: [Double] = [0.004, 0.2, 0.01, 37, 0.003, 21, 0.05, 0.001, 0.5, 0.02]
        var plan = planner.plan(lastHandled: nil, now: Self.t0 + 3)
        var ran: [Double] = []
        var missed: [MissedTicks] = []
        var coalesced = 0
        for latency in latencies {
            guard let deadline = plan.nextTick else { break }
            plan = planner.plan(lastHandled: plan.lastHandled, now: deadline + latency)
            if let run = plan.run { ran.append(run.timeIntervalSince(Self.t0)) }
            if let misfired = plan.misfired { missed.append(misfired) }
            coalesced += plan.coalesced
        }
        // Woken at +77 (37 s late for +40): +70 is 7 s old and runs; +40, +50, +60 are missed.
        // Woken at +111 (21 s late for +90): +110 runs, +100 (11 s old) is coalesced into it,
        // +90 (21 s old) is missed.
        #expect(ran == [10, 20, 30, 70, 80, 110, 120, 130, 140, 150])
        #expect(missed == [
            MissedTicks(count: 3, first: Self.t0 + 40, last: Self.t0 + 60),
            MissedTicks(count: 1, first: Self.t0 + 90, last: Self.t0 + 90),
        ])
        #expect(coalesced == 1)
        #expect(plan.lastHandled == Self.t0 + 150)
    }
}
