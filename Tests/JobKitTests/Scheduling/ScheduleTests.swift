import Foundation
import JobKit
import Testing

@Suite struct ScheduleTests {
    /// 2026-01-01T00:00:00Z is 1 767 225 600 s after the epoch, a multiple of 7 s too.
    static let newYear = utc("2026-01-01T00:00:00Z")

    /// The canonical date of `milliseconds` since the epoch: what every tick must equal, bit
    /// for bit.
    static func exact(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    static let alignment: [(Duration, String, String)] = [
        (.seconds(1), "2026-01-01T00:00:00.123Z", "2026-01-01T00:00:01.000Z"),
        (.seconds(7), "2026-01-01T00:00:00.123Z", "2026-01-01T00:00:07.000Z"),
        (.seconds(7), "2026-01-01T00:00:06.999Z", "2026-01-01T00:00:07.000Z"),
        (.milliseconds(10), "2026-01-01T00:00:00.123Z", "2026-01-01T00:00:00.130Z"),
        (.seconds(3600), "2026-01-01T00:17:00.000Z", "2026-01-01T01:00:00.000Z"),
        (.seconds(300), "2026-03-08T06:58:00.000Z", "2026-03-08T07:00:00.000Z"),
        // Before the epoch the grid continues: the tick after -0.5 s is the epoch itself.
        (.seconds(1), "1969-12-31T23:59:59.500Z", "1970-01-01T00:00:00.000Z"),
    ]

    @Test(arguments: alignment)
    func ticksAlignToTheEpoch(interval: Duration, after: String, tick: String) throws {
        #expect(Schedule.every(interval).nextTick(after: utc(after)) == utc(tick))
    }

    @Test(arguments: [Int64(1000), 7000, 10, 3_600_000])
    func tenThousandTicksWithoutDrift(intervalMilliseconds: Int64) throws {
        let schedule = Schedule.every(.milliseconds(intervalMilliseconds))
        let startMilliseconds: Int64 = 1_767_225_600_123
        var k = startMilliseconds / intervalMilliseconds + 1
        var date = Self.exact(startMilliseconds)
        for _ in 0..<10_000 {
            let tick = try #require(schedule.nextTick(after: date))
            // Exactly k × interval, and the very same Double as the canonical formula.
            let expected = Self.exact(k * intervalMilliseconds)
            guard tick.timeIntervalSinceReferenceDate.bitPattern == expected.timeIntervalSinceReferenceDate.bitPattern
            else {
                Issue.record("tick \(k) is \(tick.timeIntervalSince1970), expected \(k * intervalMilliseconds) ms")
                return
            }
            date = tick
            k += 1
        }
    }

    @Test(arguments: [Int64(1000), 7000, 10, 3_600_000])
    func machinesWithDifferentClocksAgreeOnTheGrid(intervalMilliseconds: Int64) throws {
        let schedule = Schedule.every(.milliseconds(intervalMilliseconds))
        var generator = SplitMix64(seed: UInt64(intervalMilliseconds))
        for _ in 0..<200 {
            let k = Int64(generator.next() % 1_000_000) + 1_700_000_000_000 / intervalMilliseconds
            let tick = Self.exact((k + 1) * intervalMilliseconds)
            // Two machines ask at different instants within the same grid step, one of them
            // exactly on the previous tick; both get the same Date, bit for bit.
            let early = Self.exact(k * intervalMilliseconds)
            let late = Date(
                timeIntervalSinceReferenceDate: tick.timeIntervalSinceReferenceDate.nextDown
            )
            let anywhere = early + Double(generator.next() % UInt64(intervalMilliseconds)) / 1000
            for asked in [early, late, anywhere] {
                let answer = try #require(schedule.nextTick(after: asked))
                #expect(answer.timeIntervalSinceReferenceDate.bitPattern == tick.timeIntervalSinceReferenceDate.bitPattern)
            }
        }
    }

    @Test func aTickAskedAboutGivesTheFollowingTick() throws {
        let schedule = Schedule.every(.seconds(60))
        let tick = Self.newYear
        #expect(schedule.nextTick(after: tick) == tick + 60)
        #expect(schedule.nextTick(after: tick - 0.001) == tick)
    }

    @Test func invalidIntervalsNeverFireAndSayWhy() {
        let cases: [(Duration, String)] = [
            (.zero, "The interval 0s cannot be a schedule: it must be at least 1ms."),
            (.seconds(-5), "The interval -5s cannot be a schedule: it must be at least 1ms."),
            (.microseconds(500), "The interval 0.5ms cannot be a schedule: it must be at least 1ms."),
            (.microseconds(1500), "The interval 1.5ms cannot be a schedule: it must be a whole number of milliseconds."),
        ]
        for (interval, message) in cases {
            let schedule = Schedule.every(interval)
            #expect(schedule.nextTick(after: Self.newYear) == nil)
            #expect {
                try schedule.validate()
            } throws: { error in
                (error as? ScheduleError)?.description == message
            }
        }
        #expect(throws: Never.self) { try Schedule.every(.milliseconds(1)).validate() }
    }

    @Test func cronSchedulesUseTheExpressionInTheirZone() throws {
        let expression = try CronExpression("0 9 * * MON-FRI")
        let berlin = zone("Europe/Berlin")
        let schedule = Schedule.cron(expression, berlin)
        let after = utc("2026-03-06T08:00:00Z")
        #expect(schedule.nextTick(after: after) == expression.next(after: after, in: berlin))
        #expect(schedule.nextTick(after: after) == utc("2026-03-09T08:00:00Z"))
        #expect(schedule.description == #"cron "0 9 * * MON-FRI" in Europe/Berlin"#)
        #expect(Schedule.every(.seconds(90)).description == "every 1m30s")
    }
}
