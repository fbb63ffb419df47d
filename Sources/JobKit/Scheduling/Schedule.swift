import Foundation

/// When a job fires: on a fixed interval or on a cron expression in a time zone.
///
/// Ticks sit on an absolute grid, never relative to when a process started, so every machine
/// of a fleet targets the same instants and a tick's time is the identity of a run (the lock
/// store refuses a tick that already ran). They must therefore be **bit-identical on every
/// machine** for the same schedule:
/// - ``every(_:)`` ticks are the multiples of the interval counted from the Unix epoch
///   (1970-01-01T00:00:00Z): with a 5-minute interval, 09:00:00, 09:05:00, …; with 7 s,
///   the instants whose epoch seconds divide by 7. They are computed as exact `Int64`
///   milliseconds, never by adding intervals to a floating-point date, so nothing drifts however
///   many ticks pass, and the interval must be a positive whole number of milliseconds
///   (``validate()``).
/// - ``cron(_:_:)`` ticks are the fire times of the expression on the wall clock of the zone
///   (see ``CronExpression`` for daylight saving time): whole seconds.
///
/// A tick's `Date` is made from its milliseconds by one fixed formula, so two machines with
/// different clocks that ask for the tick after different instants of the same grid step get
/// the same `Date`, bit for bit.
public enum Schedule: Sendable, Hashable, CustomStringConvertible {
    /// Every `interval`, on the grid of its multiples since the Unix epoch. The interval must
    /// be a positive whole number of milliseconds; otherwise the schedule never fires and
    /// ``validate()`` says why.
    case every(Duration)
    /// At the fire times of a cron expression on the wall clock of a time zone.
    case cron(CronExpression, TimeZone)

    /// Checks that the schedule can fire.
    ///
    /// - Throws: ``ScheduleError`` for an interval below 1 ms or with a part finer than a
    ///   millisecond.
    public func validate() throws(ScheduleError) {
        if case .every(let interval) = self, intervalMilliseconds == nil {
            throw ScheduleError(interval: interval)
        }
    }

    /// The first tick strictly after `date`, or nil when there is none: an invalid interval,
    /// a cron expression that never matches, or a `date` beyond the year 30000.
    ///
    /// For an interval `i` this is the smallest multiple of `i` since the Unix epoch that is
    /// later than `date`; a `date` that is itself a tick gives the following tick.
    public func nextTick(after date: Date) -> Date? {
        guard let milliseconds = date.tickMillisecondsFloor else { return nil }
        return nextTick(afterMilliseconds: milliseconds).map { Date(tickMilliseconds: $0) }
    }

    /// `every 5m` or `cron "0 9 * * MON-FRI" in Europe/Berlin`.
    public var description: String {
        switch self {
        case .every(let interval): return "every \(interval.jobKitText)"
        case .cron(let expression, let zone): return "cron \"\(expression)\" in \(zone.identifier)"
        }
    }

    // MARK: Exact ticks, in milliseconds since the Unix epoch

    /// The interval in whole milliseconds, or nil when it is not a positive whole number of them.
    var intervalMilliseconds: Int64? {
        guard case .every(let interval) = self else { return nil }
        let (seconds, attoseconds) = interval.components
        guard attoseconds % 1_000_000_000_000_000 == 0 else { return nil }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return nil }
        let (milliseconds, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        guard !overflow2, milliseconds >= 1 else { return nil }
        return milliseconds
    }

    /// The first tick strictly after `after`.
    func nextTick(afterMilliseconds after: Int64) -> Int64? {
        switch self {
        case .every:
            guard let interval = intervalMilliseconds else { return nil }
            let (tick, overflow) = (CivilCalendar.floorDiv(after, interval) + 1).multipliedReportingOverflow(by: interval)
            return overflow ? nil : tick
        case .cron(let expression, let zone):
            let second = CivilCalendar.floorDiv(after, 1000)
            return expression.nextFire(afterSecond: second, in: ZoneTimeline(zone: zone)).map { $0 * 1000 }
        }
    }

    /// The last tick in `(after, atOrBefore]`.
    func lastTick(atOrBeforeMilliseconds last: Int64, afterMilliseconds after: Int64) -> Int64? {
        guard after < last else { return nil }
        switch self {
        case .every:
            guard let interval = intervalMilliseconds else { return nil }
            let tick = CivilCalendar.floorDiv(last, interval) * interval
            return tick > after ? tick : nil
        case .cron(let expression, let zone):
            return expression.lastFire(
                atOrBeforeSecond: CivilCalendar.floorDiv(last, 1000),
                afterSecond: CivilCalendar.floorDiv(after, 1000),
                in: ZoneTimeline(zone: zone)
            ).map { $0 * 1000 }
        }
    }

    /// How many ticks lie in `(after, through]`, without visiting them one by one.
    func tickCount(afterMilliseconds after: Int64, throughMilliseconds through: Int64) -> Int64 {
        guard after < through else { return 0 }
        switch self {
        case .every:
            guard let interval = intervalMilliseconds else { return 0 }
            return CivilCalendar.floorDiv(through, interval) - CivilCalendar.floorDiv(after, interval)
        case .cron(let expression, let zone):
            return expression.fireCount(
                afterSecond: CivilCalendar.floorDiv(after, 1000),
                throughSecond: CivilCalendar.floorDiv(through, 1000),
                in: ZoneTimeline(zone: zone)
            )
        }
    }
}
