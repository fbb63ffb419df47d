import Foundation
import JobKit
import Testing

/// Fire times worked out by hand. 2026-01-01 is a Thursday, so 2026-01-02 and 2026-03-06 are
/// Fridays and 2026-03-09 is a Monday.
@Suite struct CronExpressionNextTests {
    static let gmt = zone("UTC")

    static let vectors: [(expression: String, after: String, next: String)] = [
        // Every quarter hour: strictly after, also when `after` is a fire time itself.
        ("*/15 * * * *", "2026-01-01T10:07:30Z", "2026-01-01T10:15:00Z"),
        ("*/15 * * * *", "2026-01-01T10:15:00Z", "2026-01-01T10:30:00Z"),
        ("*/15 * * * *", "2026-01-01T10:59:59.999Z", "2026-01-01T11:00:00Z"),
        ("*/15 * * * *", "2026-12-31T23:50:00Z", "2027-01-01T00:00:00Z"),
        // Weekdays at nine: Friday's run, then over the weekend to Monday.
        ("0 9 * * MON-FRI", "2026-03-06T08:59:00Z", "2026-03-06T09:00:00Z"),
        ("0 9 * * MON-FRI", "2026-03-06T09:00:00Z", "2026-03-09T09:00:00Z"),
        ("0 9 * * MON-FRI", "2026-03-07T12:00:00Z", "2026-03-09T09:00:00Z"),
        // First of the month, across a month end and a year end.
        ("0 0 1 * *", "2026-01-15T00:00:00Z", "2026-02-01T00:00:00Z"),
        ("0 0 1 * *", "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"),
        ("0 0 1 * *", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"),
        ("@monthly", "2026-04-30T12:00:00Z", "2026-05-01T00:00:00Z"),
        // Leap day: every four years, and 2100 is not a leap year.
        ("0 12 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T12:00:00Z"),
        ("0 12 29 2 *", "2028-02-29T12:00:00Z", "2032-02-29T12:00:00Z"),
        ("0 12 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T12:00:00Z"),
        // Both day fields restricted: either matches (Friday the 2nd, Tuesday the 13th).
        ("0 0 13 * FRI", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
        ("0 0 13 * FRI", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z"),
        ("0 0 13 * FRI", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"),
        // A day field starting with `*` makes it AND: odd days that are Fridays (the 9th) …
        ("0 0 */2 * FRI", "2026-01-01T00:00:00Z", "2026-01-09T00:00:00Z"),
        // … while the same days written as a range make it OR (Friday the 2nd).
        ("0 0 1-31/2 * FRI", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
        // @weekly is Sunday midnight; 2026-01-04 is the first Sunday.
        ("@weekly", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"),
        ("@yearly", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("@hourly", "2026-01-01T10:30:00Z", "2026-01-01T11:00:00Z"),
        ("@hourly", "2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z"),
        // Month names and the last minute of a year.
        ("59 23 31 DEC *", "2026-06-01T00:00:00Z", "2026-12-31T23:59:00Z"),
    ]

    @Test(arguments: vectors)
    func nextFireInUTC(expression: String, after: String, next: String) throws {
        let cron = try CronExpression(expression)
        #expect(iso(cron.next(after: utc(after), in: Self.gmt)) == next)
    }

    @Test func expressionsThatNeverFireReturnNil() throws {
        let start = utc("2026-01-01T00:00:00Z")
        #expect(try CronExpression("0 0 30 2 *").next(after: start, in: Self.gmt) == nil)
        #expect(try CronExpression("0 0 31 4,6,9,11 *").next(after: start, in: Self.gmt) == nil)
        // The same in a zone with transitions: the answer must not depend on walking them.
        #expect(try CronExpression("0 0 30 2 *").next(after: start, in: zone("Europe/Berlin")) == nil)
    }

    @Test func badInstantsReturnNil() throws {
        let cron = try CronExpression("* * * * *")
        #expect(cron.next(after: Date(timeIntervalSince1970: .infinity), in: Self.gmt) == nil)
        #expect(cron.next(after: Date(timeIntervalSince1970: .nan), in: Self.gmt) == nil)
    }

    @Test func offsetZonesReadTheirOwnWallClock() throws {
        // India is UTC+5:30 with no daylight saving: 00:00Z is 05:30 IST, the next full hour
        // is 06:00 IST, 00:30Z.
        let hourly = try CronExpression("@hourly")
        #expect(iso(hourly.next(after: utc("2026-01-01T00:00:00Z"), in: zone("Asia/Kolkata"))) == "2026-01-01T00:30:00Z")
        // Weekday mornings in Berlin (CET, UTC+1): Friday 09:00 CET is 08:00Z; strictly after
        // it, Monday.
        let weekdays = try CronExpression("0 9 * * MON-FRI")
        #expect(iso(weekdays.next(after: utc("2026-03-06T08:00:00Z"), in: zone("Europe/Berlin"))) == "2026-03-09T08:00:00Z")
        // Tokyo's Monday 00:00 is Sunday 15:00Z.
        let monday = try CronExpression("0 0 * * MON")
        #expect(iso(monday.next(after: utc("2026-03-07T00:00:00Z"), in: zone("Asia/Tokyo"))) == "2026-03-08T15:00:00Z")
    }

    @Test func rareFiresYearsApart() throws {
        // `*/31` is {1} but starts with `*`, so the day rule is AND: Monday the 1st of
        // February, which comes round in 2027, 2038 and 2044 (Feb 1 moves one weekday a year,
        // two after a leap year).
        let cron = try CronExpression("0 0 */31 2 MON")
        let berlin = zone("Europe/Berlin")
        var date = utc("2026-01-01T00:00:00Z")
        var fires: [String] = []
        for _ in 0..<3 {
            guard let next = cron.next(after: date, in: berlin) else { break }
            fires.append(wall(next, in: berlin))
            date = next
        }
        #expect(fires == ["2027-02-01 00:00", "2038-02-01 00:00", "2044-02-01 00:00"])
    }
}
