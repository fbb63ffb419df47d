import Foundation

/// A five-field cron expression, `minute hour day-of-month month day-of-week`, with the
/// meaning Vixie cron and cronie give it, evaluated in a named time zone.
///
/// ## Syntax
/// - Fields: minute 0–59, hour 0–23, day-of-month 1–31, month 1–12 or `JAN`–`DEC`,
///   day-of-week 0–7 or `SUN`–`SAT` (0 and 7 are both Sunday). Names are case-insensitive.
/// - Each field is a comma-separated list of `*`, a value `5`, a range `1-10`, a stepped
///   range `*/15` or `1-10/2`, or `5/10`, which means `5-max/10` (5, 15, 25… for minutes).
/// - Aliases: `@yearly` and `@annually` (`0 0 1 1 *`), `@monthly` (`0 0 1 * *`), `@weekly`
///   (`0 0 * * 0`), `@daily` and `@midnight` (`0 0 * * *`), `@hourly` (`0 * * * *`).
///   `@reboot` is refused: a scheduler has no boot time to fire at.
/// - Fields are separated by spaces or tabs. Anything else throws ``CronExpressionError``,
///   whose message names the field and the bad part.
///
/// ## Day of month and day of week
/// As in Vixie cron: when both fields are restricted, a day matches if **either** matches
/// (`0 0 13 * FRI` fires on every 13th and every Friday). When either field starts with `*`
/// (including `*/2`), a day must match both, which in practice means the other field alone.
/// The test is on the first character, exactly as cronie's `entry.c` does it, so crontab
/// lines behave here as they do in crontab.
///
/// ## Time zones and daylight saving time
/// Fields are read on the wall clock of the zone passed to ``next(after:in:)``. Where the
/// wall clock jumps, these rules apply:
/// - **Spring forward (a gap)**: a matching wall time that does not exist that day (02:30 on
///   2026-03-08 in America/New_York) fires once, at the first instant after the gap (03:00
///   EDT), as cronie runs jobs of the skipped hour right after the jump. Several matching
///   times in one gap still fire once.
/// - **Fall back (an overlap)**: a matching wall time that occurs twice (01:30 on 2026-11-01 in
///   America/New_York) fires once, at its first occurrence (01:30 EDT).
/// - **Expressions whose minute or hour field starts with `*`** (such as `0 * * * *`,
///   `*/15 * * * *`, `@hourly`, `* 2 * * *` or `*/10 1 * * *`) follow the real clock instead:
///   they fire at every instant whose wall time matches, so a matching wall time in a gap
///   does not occur at all and one in an overlap fires twice (`0 * * * *` fires 23 times on a
///   23-hour day and 25 times on a 25-hour day: once per real hour).
///
/// This is cronie's rule (`MIN_STAR`/`HR_STAR` in its `entry.c`, applied in `cron.c`): the
/// test is on the first character of the field as written, not on the times it covers, so
/// `0 0-23 * * *` is a fixed-time expression although it matches every hour.
///
/// Fire times are whole seconds (whole minutes, except in zones whose historical offsets
/// carry seconds), computed with integer arithmetic, so every machine computes the same
/// instants for the same expression and zone.
///
/// Two expressions are equal when they match the same times by the same daylight-saving rule
/// (`@daily` equals `0 0 * * *`);
/// ``text`` keeps the spelling given.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as given, without surrounding white space.
    public let text: String
    let minutes: CronBitSet
    let hours: CronBitSet
    let daysOfMonth: CronBitSet
    let months: CronBitSet
    /// Days of the week, 0 (Sunday) to 6; 7 is folded into 0.
    let daysOfWeek: CronBitSet
    /// The day-of-month field starts with `*` (Vixie's `DOM_STAR`).
    let dayOfMonthIsStar: Bool
    /// The day-of-week field starts with `*` (Vixie's `DOW_STAR`).
    let dayOfWeekIsStar: Bool
    /// The minute field starts with `*` (cronie's `MIN_STAR`).
    let minuteIsStar: Bool
    /// The hour field starts with `*` (cronie's `HR_STAR`).
    let hourIsStar: Bool

    /// Reads a cron expression such as `*/15 * * * *`, `0 9 * * MON-FRI` or `@daily`.
    ///
    /// - Throws: ``CronExpressionError`` naming the expression, the field and the bad part,
    ///   e.g. `cron "61 * * * *": minute 61 is out of range 0–59.`
    public init(_ text: String) throws(CronExpressionError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        self.text = trimmed
        var fieldsText = trimmed
        if trimmed.hasPrefix("@") {
            switch trimmed.lowercased() {
            case "@yearly", "@annually": fieldsText = "0 0 1 1 *"
            case "@monthly": fieldsText = "0 0 1 * *"
            case "@weekly": fieldsText = "0 0 * * 0"
            case "@daily", "@midnight": fieldsText = "0 0 * * *"
            case "@hourly": fieldsText = "0 * * * *"
            case "@reboot": throw CronExpressionError(expression: text, .reboot)
            default: throw CronExpressionError(expression: text, .unknownAlias(trimmed))
            }
        }
        let fields = fieldsText.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            throw CronExpressionError(expression: text, .fieldCount(fields.count))
        }
        minutes = try CronField.minute.parse(fields[0], expression: text)
        hours = try CronField.hour.parse(fields[1], expression: text)
        daysOfMonth = try CronField.dayOfMonth.parse(fields[2], expression: text)
        months = try CronField.month.parse(fields[3], expression: text)
        daysOfWeek = try CronField.dayOfWeek.parse(fields[4], expression: text)
        dayOfMonthIsStar = fields[2].hasPrefix("*")
        dayOfWeekIsStar = fields[4].hasPrefix("*")
        minuteIsStar = fields[0].hasPrefix("*")
        hourIsStar = fields[1].hasPrefix("*")
    }

    /// The expression as given.
    public var description: String { text }

    /// The first fire time strictly after `date`, on the wall clock of `zone`, following the
    /// daylight-saving rules in the type's documentation.
    ///
    /// The search skips whole months, days and hours that cannot match, and looks at most 400
    /// years ahead (a full cycle of the Gregorian calendar): an expression that names a day
    /// that never comes, such as `0 0 30 2 *`, returns nil, as does a `date` that is not
    /// finite or lies beyond the year 30000.
    public func next(after date: Date, in zone: TimeZone) -> Date? {
        guard let second = Self.second(atOrBefore: date) else { return nil }
        return nextFire(afterSecond: second, in: ZoneTimeline(zone: zone))
            .map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// The whole second at or before `date`, or nil for a date outside the range handled.
    static func second(atOrBefore date: Date) -> Int64? {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite, abs(seconds) < 1e12 else { return nil }
        return Int64(seconds)
    }

    /// Whether two expressions match the same times, whatever their spelling.
    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
        lhs.minutes == rhs.minutes && lhs.hours == rhs.hours && lhs.daysOfMonth == rhs.daysOfMonth
            && lhs.months == rhs.months && lhs.daysOfWeek == rhs.daysOfWeek
            && lhs.dayOfMonthIsStar == rhs.dayOfMonthIsStar && lhs.dayOfWeekIsStar == rhs.dayOfWeekIsStar
            && lhs.followsRealClock == rhs.followsRealClock
    }

    /// Hashes the times the expression matches, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(minutes)
        hasher.combine(hours)
        hasher.combine(daysOfMonth)
        hasher.combine(months)
        hasher.combine(daysOfWeek)
        hasher.combine(dayOfMonthIsStar)
        hasher.combine(dayOfWeekIsStar)
        hasher.combine(followsRealClock)
    }
}
