import Foundation

/// The UTC offsets of a time zone and the instants where they change, in whole seconds since
/// the Unix epoch.
///
/// Transitions come from `TimeZone.nextDaylightSavingTimeTransition(after:)`, which reports
/// every change of offset (daylight saving and changes of standard time alike); each answer is
/// checked against `secondsFromGMT(for:)` and narrowed by bisection if a change was missed.
struct ZoneTimeline {
    /// A stretch of time with one UTC offset: instants `start..<end`.
    struct Segment {
        /// The first instant, a transition; or, when no transition happened shortly before the
        /// instant asked about, an earlier instant with `previousOffset == offset`.
        var start: Int64
        /// The next transition, or nil when the zone has no further transitions.
        var end: Int64?
        /// Seconds east of UTC during the segment.
        var offset: Int64
        /// Seconds east of UTC just before `start`.
        var previousOffset: Int64
    }

    let zone: TimeZone

    /// How far back `segment(containing:)` looks for the transition that started it: more
    /// than the largest jump of a wall clock (a day, as Samoa's in 2011), so a repeated stretch
    /// of wall time is always recognised.
    static let lookback: Int64 = 2 * 86_400

    func offset(at second: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))))
    }

    /// The first instant after `second` whose offset differs from the one before it.
    func nextTransition(after second: Int64) -> Int64? {
        var transition = second
        var asked = second
        // The API answers strictly after its argument; should it ever answer `second` itself
        // (sub-second rounding), ask again from one second on rather than stop.
        while transition <= second {
            guard
                let date = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(asked)))
            else { return nil }
            transition = Int64(date.timeIntervalSince1970.rounded(.up))
            asked += 1
        }
        let before = offset(at: second)
        if offset(at: transition - 1) != before {
            // A change the API skipped: find the first instant with another offset.
            var low = second
            var high = transition - 1
            while high - low > 1 {
                let middle = low + (high - low) / 2
                if offset(at: middle) == before { low = middle } else { high = middle }
            }
            transition = high
        }
        return transition
    }

    /// The segment that holds the instant `second`.
    func segment(containing second: Int64) -> Segment {
        var start = second - Self.lookback
        var previousOffset: Int64?
        var next = nextTransition(after: start)
        while let transition = next, transition <= second {
            previousOffset = offset(at: transition - 1)
            start = transition
            next = nextTransition(after: transition)
        }
        let current = offset(at: second)
        return Segment(start: start, end: next, offset: current, previousOffset: previousOffset ?? current)
    }

    /// The segment that follows `segment`, or nil when `segment` runs forever.
    func segment(after segment: Segment) -> Segment? {
        guard let end = segment.end else { return nil }
        return Segment(
            start: end,
            end: nextTransition(after: end),
            offset: offset(at: end),
            previousOffset: segment.offset
        )
    }

    /// The segments that hold the instants `first...last`, in order.
    func segments(from first: Int64, through last: Int64) -> [Segment] {
        var result = [segment(containing: first)]
        while let end = result[result.count - 1].end, end <= last, let following = segment(after: result[result.count - 1]) {
            result.append(following)
        }
        return result
    }
}
