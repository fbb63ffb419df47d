import Foundation
import JobKit
import Testing

/// Daylight saving time in 2026.
/// - America/New_York springs forward on 2026-03-08 at 02:00 EST (07:00Z) to 03:00 EDT and
///   falls back on 2026-11-01 at 02:00 EDT (06:00Z) to 01:00 EST.
/// - Europe/Berlin springs forward on 2026-03-29 at 02:00 CET (01:00Z) to 03:00 CEST and falls
///   back on 2026-10-25 at 03:00 CEST (01:00Z) to 02:00 CET.
@Suite struct CronExpressionDSTTests {
    static let newYork = zone("America/New_York")
    static let berlin = zone("Europe/Berlin")

    /// The fires of `expression` in `(from, through]`, by repeated `next(after:in:)`.
    func fires(_ expression: String, in zone: TimeZone, after from: String, through: String) throws -> [Date] {
        let cron = try CronExpression(expression)
        var result: [Date] = []
        var cursor = utc(from)
        let end = utc(through)
        while let next = cron.next(after: cursor, in: zone), next <= end {
            result.append(next)
            cursor = next
        }
        return result
    }

    // MARK: Spring forward: the gap

    @Test func newYorkSkippedTimeFiresOnceRightAfterTheGap() throws {
        // 02:30 does not exist on 2026-03-08: it fires at 03:00 EDT (07:00Z), the first instant
        // after the gap; the days around it fire at 02:30 local as usual.
        let list = try fires("30 2 * * *", in: Self.newYork, after: "2026-03-06T12:00:00Z", through: "2026-03-10T12:00:00Z")
        #expect(list.map(iso) == [
            "2026-03-07T07:30:00Z",  // 02:30 EST
            "2026-03-08T07:00:00Z",  // 03:00 EDT, for the skipped 02:30
            "2026-03-09T06:30:00Z",  // 02:30 EDT
            "2026-03-10T06:30:00Z",
        ])
    }

    @Test func severalSkippedTimesStillFireOnce() throws {
        // 02:00, 02:15, 02:30 and 02:45 all fall into the gap: one fire at 03:00 EDT.
        let list = try fires("0,15,30,45 2 * * *", in: Self.newYork, after: "2026-03-08T05:00:00Z", through: "2026-03-09T05:59:00Z")
        #expect(list.map(iso) == ["2026-03-08T07:00:00Z"])
        // A time right after the gap that matches too does not make a second fire.
        let both = try fires("0 2,3 * * *", in: Self.newYork, after: "2026-03-08T05:00:00Z", through: "2026-03-08T12:00:00Z")
        #expect(both.map(iso) == ["2026-03-08T07:00:00Z"])
    }

    @Test func berlinSkippedTimeFiresOnceRightAfterTheGap() throws {
        let list = try fires("30 2 * * *", in: Self.berlin, after: "2026-03-28T00:00:00Z", through: "2026-03-30T12:00:00Z")
        #expect(list.map(iso) == [
            "2026-03-28T01:30:00Z",  // 02:30 CET
            "2026-03-29T01:00:00Z",  // 03:00 CEST, for the skipped 02:30
            "2026-03-30T00:30:00Z",  // 02:30 CEST
        ])
    }

    // MARK: Fall back: the overlap

    @Test func newYorkRepeatedTimeFiresOnceAtItsFirstOccurrence() throws {
        // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST): only the first fires.
        let list = try fires("30 1 * * *", in: Self.newYork, after: "2026-10-31T12:00:00Z", through: "2026-11-02T12:00:00Z")
        #expect(list.map(iso) == [
            "2026-11-01T05:30:00Z",  // 01:30 EDT
            "2026-11-02T06:30:00Z",  // 01:30 EST the next day
        ])
        // Asked from inside the repeated hour (01:10 EST), the repeat does not fire either.
        let cron = try CronExpression("30 1 * * *")
        #expect(iso(cron.next(after: utc("2026-11-01T06:10:00Z"), in: Self.newYork)) == "2026-11-02T06:30:00Z")
        // The time after the overlap fires normally: 02:00 EST is 07:00Z.
        let two = try CronExpression("0 2 * * *")
        #expect(iso(two.next(after: utc("2026-11-01T05:45:00Z"), in: Self.newYork)) == "2026-11-01T07:00:00Z")
    }

    @Test func berlinRepeatedTimeFiresOnceAtItsFirstOccurrence() throws {
        // In Berlin the repeated hour is 02:00–03:00; 01:30 happens once (23:30Z CEST).
        let early = try fires("30 1 * * *", in: Self.berlin, after: "2026-10-24T12:00:00Z", through: "2026-10-26T12:00:00Z")
        #expect(early.map(iso) == ["2026-10-24T23:30:00Z", "2026-10-26T00:30:00Z"])
        // 02:30 happens at 00:30Z (CEST) and 01:30Z (CET): only the first fires.
        let repeated = try fires("30 2 * * *", in: Self.berlin, after: "2026-10-24T12:00:00Z", through: "2026-10-26T12:00:00Z")
        #expect(repeated.map(iso) == ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"])
    }

    // MARK: Hourly expressions follow the real clock

    @Test(arguments: [
        ("America/New_York", "2026-03-08T04:30:00Z"),  // spring forward
        ("America/New_York", "2026-11-01T03:30:00Z"),  // fall back
        ("Europe/Berlin", "2026-03-28T23:30:00Z"),  // spring forward
        ("Europe/Berlin", "2026-10-24T22:30:00Z"),  // fall back
    ])
    func hourlyFiresEveryRealHourAcrossTransitions(identifier: String, start: String) throws {
        let list = try fires("0 * * * *", in: zone(identifier), after: start, through: iso(utc(start) + 24 * 3600))
        #expect(list.count == 24)
        for (earlier, later) in zip(list, list.dropFirst()) {
            #expect(later.timeIntervalSince(earlier) == 3600)
        }
    }

    @Test func hourlyWallHoursOnTheTransitionDays() throws {
        // A 23-hour local day: hour 2 never shows. A 25-hour local day: hour 1 shows twice.
        let spring = try fires("0 * * * *", in: Self.newYork, after: "2026-03-08T04:59:00Z", through: "2026-03-09T03:59:00Z")
        #expect(spring.count == 23)
        #expect(!spring.map { wall($0, in: Self.newYork) }.contains("2026-03-08 02:00"))
        let fall = try fires("0 * * * *", in: Self.newYork, after: "2026-11-01T03:59:00Z", through: "2026-11-02T04:59:00Z")
        #expect(fall.count == 25)
        #expect(fall.map { wall($0, in: Self.newYork) }.filter { $0 == "2026-11-01 01:00" }.count == 2)
    }

    @Test func halfPastEveryHourStaysAnHourApartAcrossTheGap() throws {
        // 01:30 EST (06:30Z), then 03:30 EDT (07:30Z): no extra fire at 03:00 for 02:30.
        let list = try fires("30 * * * *", in: Self.newYork, after: "2026-03-08T06:00:00Z", through: "2026-03-08T08:00:00Z")
        #expect(list.map(iso) == ["2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z"])
    }

    @Test func everyMinuteAcrossTheOverlapFiresOncePerRealMinute() throws {
        let list = try fires("* * * * *", in: Self.newYork, after: "2026-11-01T05:00:00Z", through: "2026-11-01T07:00:00Z")
        #expect(list.count == 120)
        #expect(Set(list).count == 120)
    }

    // MARK: cronie's rule: a minute or hour field starting with `*` follows the real clock

    @Test func minuteStarInAGapDoesNotFire() throws {
        // `*/15 2 * * *` starts with `*`: cronie runs it on the real clock, and 02:xx never
        // shows on 2026-03-08 in New York. The same times spelled out fire once after the gap.
        let star = try fires("*/15 2 * * *", in: Self.newYork, after: "2026-03-08T05:00:00Z", through: "2026-03-09T05:59:00Z")
        #expect(star.isEmpty)
        let fixed = try fires("0,15,30,45 2 * * *", in: Self.newYork, after: "2026-03-08T05:00:00Z", through: "2026-03-09T05:59:00Z")
        #expect(fixed.map(iso) == ["2026-03-08T07:00:00Z"])
    }

    @Test func hourListCoveringTheDayIsFixedTime() throws {
        // `0 0-23 * * *` matches every hour but does not start with `*`: fixed-time, so the
        // repeated 01:00 fires once (cronie classifies by the field's first character).
        let fixed = try fires("0 0-23 * * *", in: Self.newYork, after: "2026-11-01T03:59:00Z", through: "2026-11-02T04:59:00Z")
        #expect(fixed.count == 24)
        let star = try fires("0 * * * *", in: Self.newYork, after: "2026-11-01T03:59:00Z", through: "2026-11-02T04:59:00Z")
        #expect(star.count == 25)
        #expect(try CronExpression("0 0-23 * * *") != CronExpression("0 * * * *"))
    }

    /// The examples of the README's jobs-file reference (`jobs[].timezone`), in America/New_York.
    @Test func readmeExamples() throws {
        // Fixed time, gap: `30 2 * * *` fires at 03:00 EDT on 2026-03-08.
        let gap = try fires("30 2 * * *", in: Self.newYork, after: "2026-03-08T05:00:00Z", through: "2026-03-09T04:59:00Z")
        #expect(gap.map { wall($0, in: Self.newYork) } == ["2026-03-08 03:00"])
        // Fixed time, repeat: `30 1 * * *` fires once on 2026-11-01, at 01:30 EDT (05:30Z).
        let repeated = try fires("30 1 * * *", in: Self.newYork, after: "2026-11-01T04:00:00Z", through: "2026-11-02T04:59:00Z")
        #expect(repeated.map(iso) == ["2026-11-01T05:30:00Z"])
        // Real clock, gap: `0 * * * *` has no 02:00 on 2026-03-08 (23 fires that day).
        let hourly = try fires("0 * * * *", in: Self.newYork, after: "2026-03-08T04:59:00Z", through: "2026-03-09T03:59:00Z")
        #expect(hourly.count == 23)
        #expect(!hourly.map { wall($0, in: Self.newYork) }.contains("2026-03-08 02:00"))
        // Real clock, repeat: `*/10 1 * * *` fires 12 times on 2026-11-01, 01:00–01:50 EDT then EST.
        let tens = try fires("*/10 1 * * *", in: Self.newYork, after: "2026-11-01T04:00:00Z", through: "2026-11-02T04:59:00Z")
        #expect(tens.count == 12)
        #expect(tens.first.map(iso) == "2026-11-01T05:00:00Z")
        #expect(tens.last.map(iso) == "2026-11-01T06:50:00Z")
    }
}
