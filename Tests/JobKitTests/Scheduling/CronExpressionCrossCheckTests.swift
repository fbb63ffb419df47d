import Foundation
import Testing

@testable import JobKit

/// `next(after:in:)` against a brute-force scan of real minutes that reads the wall clock
/// through Foundation's `Calendar` (not JobKit's calendar arithmetic), and the fast counting
/// and backward search against repeated `next(after:in:)`.
@Suite struct CronExpressionCrossCheckTests {
    /// The sets an expression stands for, written out by hand (not parsed), and its day rule.
    struct Reference: Sendable, CustomStringConvertible {
        var expression: String
        var minutes: Set<Int>
        var hours: Set<Int>
        var daysOfMonth: Set<Int>
        var months: Set<Int>
        var weekdays: Set<Int>  // 0 = Sunday
        var dayRuleIsOr: Bool

        var description: String { expression }

        /// cronie's rule: a minute or hour field that starts with `*` follows the real clock.
        var followsRealClock: Bool {
            let fields = expression.split(separator: " ")
            return fields[0].hasPrefix("*") || fields[1].hasPrefix("*")
        }

        func matches(_ c: DateComponents) -> Bool {
            guard let minute = c.minute, let hour = c.hour, let day = c.day, let month = c.month,
                let weekday = c.weekday
            else { return false }
            let dayOfMonth = daysOfMonth.contains(day)
            let dayOfWeek = weekdays.contains(weekday - 1)
            let dayMatches = dayRuleIsOr ? (dayOfMonth || dayOfWeek) : (dayOfMonth && dayOfWeek)
            return minutes.contains(minute) && hours.contains(hour) && months.contains(month) && dayMatches
        }
    }

    static let all = Set(0...59)
    static let references: [Reference] = [
        Reference(expression: "*/15 * * * *", minutes: [0, 15, 30, 45], hours: Set(0...23), daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "0 9 * * MON-FRI", minutes: [0], hours: [9], daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(1...5), dayRuleIsOr: false),
        Reference(expression: "0 0 13 * FRI", minutes: [0], hours: [0], daysOfMonth: [13], months: Set(1...12), weekdays: [5], dayRuleIsOr: true),
        Reference(expression: "0 0 */2 * FRI", minutes: [0], hours: [0], daysOfMonth: Set(stride(from: 1, through: 31, by: 2)), months: Set(1...12), weekdays: [5], dayRuleIsOr: false),
        Reference(expression: "5/10 3-5 1,15 * *", minutes: [5, 15, 25, 35, 45, 55], hours: [3, 4, 5], daysOfMonth: [1, 15], months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "0 0 1-7 * MON", minutes: [0], hours: [0], daysOfMonth: Set(1...7), months: Set(1...12), weekdays: [1], dayRuleIsOr: true),
        Reference(expression: "30 23 * FEB,AUG SUN", minutes: [30], hours: [23], daysOfMonth: Set(1...31), months: [2, 8], weekdays: [0], dayRuleIsOr: false),
        Reference(expression: "0 12 29 2 *", minutes: [0], hours: [12], daysOfMonth: [29], months: [2], weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "0 2 * * *", minutes: [0], hours: [2], daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "30 2 * * *", minutes: [30], hours: [2], daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "*/15 2 * * *", minutes: [0, 15, 30, 45], hours: [2], daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "15,45 1-3 * * *", minutes: [15, 45], hours: [1, 2, 3], daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "* 1 * * *", minutes: all, hours: [1], daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "0 0 * * *", minutes: [0], hours: [0], daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "0 12 * * *", minutes: [0], hours: [12], daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "0 * * * *", minutes: [0], hours: Set(0...23), daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "30 * * * *", minutes: [30], hours: Set(0...23), daysOfMonth: Set(1...31), months: Set(1...12), weekdays: Set(0...6), dayRuleIsOr: false),
        Reference(expression: "45 0-23 * * SUN", minutes: [45], hours: Set(0...23), daysOfMonth: Set(1...31), months: Set(1...12), weekdays: [0], dayRuleIsOr: false),
    ]

    /// The reference rule, by scanning real minutes after `date` (at most `limit` of them):
    /// a minute `u` fires when some matching wall minute lies in `(highest wall shown before u,
    /// wall(u)]`, so a time skipped by a gap fires at the first minute after it and a repeated
    /// time only at its first occurrence. For expressions whose minute or hour field starts with
    /// `*` (cronie's rule), `u` fires when
    /// its own wall time matches.
    static func bruteForceNext(_ reference: Reference, after date: Date, in zone: TimeZone, limit: Int) -> Date? {
        var local = Calendar(identifier: .gregorian)
        local.timeZone = zone
        var utcCalendar = Calendar(identifier: .gregorian)
        utcCalendar.timeZone = TimeZone(identifier: "UTC")!
        let fields: Set<Calendar.Component> = [.year, .month, .day, .hour, .minute, .weekday]
        /// Wall-clock minutes since 1970 as the local calendar reads them.
        func wallMinute(_ instant: Date) -> Int {
            let c = local.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
            return Int(utcCalendar.date(from: c)!.timeIntervalSince1970) / 60
        }
        func wallMatches(_ minute: Int) -> Bool {
            reference.matches(utcCalendar.dateComponents(fields, from: Date(timeIntervalSince1970: Double(minute * 60))))
        }
        let realClock = reference.followsRealClock
        let firstMinute = Int((date.timeIntervalSince1970 / 60).rounded(.down)) + 1
        var highWater = Int.min
        for minute in (firstMinute - 180)..<firstMinute {
            highWater = max(highWater, wallMinute(Date(timeIntervalSince1970: Double(minute * 60))))
        }
        for minute in firstMinute..<(firstMinute + limit) {
            let instant = Date(timeIntervalSince1970: Double(minute * 60))
            let wall = wallMinute(instant)
            if realClock {
                if wallMatches(wall) { return instant }
            } else if wall > highWater {
                for candidate in max(highWater + 1, wall - 1500)...wall where wallMatches(candidate) {
                    return instant
                }
            }
            highWater = max(highWater, wall)
        }
        return nil
    }

    @Test(arguments: references.prefix(8))
    func matchesBruteForceInUTC(reference: Reference) throws {
        let cron = try CronExpression(reference.expression)
        let gmt = zone("UTC")
        var generator = SplitMix64(seed: 7)
        for _ in 0..<12 {
            // Any instant in 2024–2030, at any second.
            let date = Date(timeIntervalSince1970: 1_704_067_200 + Double(generator.next() % 220_000_000))
            let expected = Self.bruteForceDayScan(reference, after: date)
            #expect(iso(cron.next(after: date, in: gmt)) == iso(expected), "after \(iso(date))")
        }
    }

    /// Like `bruteForceNext` in UTC, but day by day (so leap days years apart stay cheap).
    static func bruteForceDayScan(_ reference: Reference, after date: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var day = calendar.startOfDay(for: date)
        for _ in 0..<(366 * 9) {
            var c = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            c.hour = 0
            c.minute = 0
            for hour in reference.hours.sorted() {
                for minute in reference.minutes.sorted() {
                    c.hour = hour
                    c.minute = minute
                    let instant = day + Double(hour * 3600 + minute * 60)
                    if instant > date, reference.matches(c) { return instant }
                }
            }
            day += 86_400
        }
        return nil
    }

    static let transitionZones: [(String, [String])] = [
        ("America/New_York", ["2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"]),
        ("Europe/Berlin", ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"]),
        // Lord Howe Island moves its clocks by 30 minutes, at 02:00 local.
        ("Australia/Lord_Howe", ["2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"]),
        // Chile changes at midnight: the gap swallows 00:00.
        ("America/Santiago", ["2026-04-05T03:00:00Z", "2026-09-06T04:00:00Z"]),
        // Samoa skipped 2011-12-30 entirely.
        ("Pacific/Apia", ["2011-12-30T10:00:00Z"]),
    ]

    @Test(arguments: transitionZones.map(\.0))
    func matchesBruteForceAroundTransitions(identifier: String) throws {
        let zone = zone(identifier)
        let transitions = Self.transitionZones.first { $0.0 == identifier }!.1.map(utc)
        var generator = SplitMix64(seed: 11)
        for reference in Self.references.dropFirst(8) {
            let cron = try CronExpression(reference.expression)
            for transition in transitions {
                for sample in 0..<6 {
                    // Half the samples within two hours of the transition (where repeated
                    // and skipped times are), the others up to 26 hours before it.
                    let offset =
                        sample % 2 == 0
                        ? Double(generator.next() % 14_400) - 7200
                        : -Double(generator.next() % 93_600)
                    let date = transition + offset
                    let expected = Self.bruteForceNext(reference, after: date, in: zone, limit: 3 * 1440)
                    #expect(
                        iso(cron.next(after: date, in: zone)) == iso(expected),
                        "\(reference) in \(identifier) after \(iso(date))"
                    )
                }
            }
        }
    }

    @Test(arguments: transitionZones.map(\.0) + ["UTC", "Asia/Kathmandu"])
    func countAndLastAgreeWithIteration(identifier: String) throws {
        let timeline = ZoneTimeline(zone: zone(identifier))
        let anchor = Self.transitionZones.first { $0.0 == identifier }?.1.map(utc) ?? [utc("2026-06-01T00:00:00Z")]
        var generator = SplitMix64(seed: 3)
        for reference in Self.references {
            let cron = try CronExpression(reference.expression)
            for transition in anchor {
                for _ in 0..<3 {
                    let transitionSecond = Int64(transition.timeIntervalSince1970)
                    let after = transitionSecond - Int64(generator.next() % 200_000)
                    let through = transitionSecond + Int64(generator.next() % 200_000)
                    var fires: [Int64] = []
                    var cursor = after
                    while let next = cron.nextFire(afterSecond: cursor, in: timeline), next <= through {
                        fires.append(next)
                        cursor = next
                    }
                    let label = "\(reference) in \(identifier), (\(after), \(through)]"
                    #expect(cron.fireCount(afterSecond: after, throughSecond: through, in: timeline) == Int64(fires.count), "\(label)")
                    #expect(cron.lastFire(atOrBeforeSecond: through, afterSecond: after, in: timeline) == fires.last, "\(label)")
                }
            }
        }
    }
}
