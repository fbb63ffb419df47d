import Foundation

/// A schedule whose every tick is moved later by a fixed offset (a job's spread, see
/// ``SpreadOffset``): the ticks the scheduler plans, the store claims and status lists. With a
/// zero offset it is the schedule itself.
struct ShiftedSchedule: Sendable, Hashable {
    let schedule: Schedule
    /// The offset in whole milliseconds, zero or more.
    let offset: Int64

    init(_ schedule: Schedule, offset: Duration = .zero) {
        self.schedule = schedule
        self.offset = SpreadOffset.wholeMilliseconds(offset) ?? 0
    }

    init(_ schedule: Schedule, offsetMilliseconds: Int64) {
        self.schedule = schedule
        self.offset = max(0, offsetMilliseconds)
    }

    /// `milliseconds` moved back onto the unshifted grid; nil on overflow.
    private func unshifted(_ milliseconds: Int64) -> Int64? {
        let (value, overflow) = milliseconds.subtractingReportingOverflow(offset)
        return overflow ? nil : value
    }

    /// A tick of the unshifted grid moved onto this one; nil on overflow.
    private func shifted(_ milliseconds: Int64) -> Int64? {
        let (value, overflow) = milliseconds.addingReportingOverflow(offset)
        return overflow ? nil : value
    }

    /// The first tick strictly after `date`.
    func nextTick(after date: Date) -> Date? {
        guard let milliseconds = date.tickMillisecondsFloor else { return nil }
        return nextTick(afterMilliseconds: milliseconds).map { Date(tickMilliseconds: $0) }
    }

    /// The first tick strictly after `after`.
    func nextTick(afterMilliseconds after: Int64) -> Int64? {
        guard let base = unshifted(after) else { return nil }
        return schedule.nextTick(afterMilliseconds: base).flatMap(shifted)
    }

    /// The last tick in `(after, atOrBefore]`.
    func lastTick(atOrBeforeMilliseconds last: Int64, afterMilliseconds after: Int64) -> Int64? {
        guard let baseLast = unshifted(last), let baseAfter = unshifted(after) else { return nil }
        return schedule.lastTick(atOrBeforeMilliseconds: baseLast, afterMilliseconds: baseAfter).flatMap(shifted)
    }

    /// How many ticks lie in `(after, through]`.
    func tickCount(afterMilliseconds after: Int64, throughMilliseconds through: Int64) -> Int64 {
        guard let baseAfter = unshifted(after), let baseThrough = unshifted(through) else { return 0 }
        return schedule.tickCount(afterMilliseconds: baseAfter, throughMilliseconds: baseThrough)
    }
}
