import Foundation

extension ShiftedSchedule {
    /// The ticks strictly between `previous` and `tick` (two claimed ticks), as a count and its
    /// two ends; `nil` when there are none. Counted, never enumerated: the work does not grow
    /// with the length of the gap.
    func ticks(between previous: Date, and tick: Date) -> MissedTicks? {
        guard let previousMS = previous.tickMillisecondsFloor, let tickMS = tick.tickMillisecondsFloor,
              tickMS > previousMS + 1
        else { return nil }
        let count = tickCount(afterMilliseconds: previousMS, throughMilliseconds: tickMS - 1)
        guard count > 0, let first = nextTick(afterMilliseconds: previousMS),
              let last = lastTick(atOrBeforeMilliseconds: tickMS - 1, afterMilliseconds: previousMS)
        else { return nil }
        return MissedTicks(count: Int(clamping: count), first: Date(tickMilliseconds: first), last: Date(tickMilliseconds: last))
    }
}
