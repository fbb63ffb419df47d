/// Fire instants in a time zone: the wall-clock matches of `CronExpression+WallClock.swift`
/// turned into instants (whole seconds since the Unix epoch) with the daylight-saving rules
/// documented on ``CronExpression``.
///
/// The zone's timeline is cut into segments of constant UTC offset. Within a segment the wall
/// clock reads `instant + offset`, so a matching wall minute `w` fires at `w × 60 − offset`.
/// At the start of a segment:
/// - after a jump forward (a gap), a fixed-time expression (neither its minute nor its hour
///   field starts with `*`) fires at the segment's first instant if any wall minute in the gap
///   matches;
/// - after a jump back (an overlap), a fixed-time expression skips the wall minutes the
///   previous segment already showed, so each fires at its first occurrence only.
/// Expressions whose minute or hour field starts with `*` use the segments as they are.
extension CronExpression {
    /// Nothing is searched for further ahead than this: a whole Gregorian cycle, after which the
    /// calendar repeats, so an expression with no match in it never matches.
    static let horizonSeconds: Int64 = 400 * 366 * 86_400

    /// The minute or hour field starts with `*` (cronie's `MIN_STAR`/`HR_STAR`): fires follow
    /// the real clock across transitions instead of the fixed-time rules.
    var followsRealClock: Bool { minuteIsStar || hourIsStar }

    /// How the expression fires within one segment of constant offset.
    private struct SegmentRule {
        /// Wall-clock seconds from which matches fire in this segment (inclusive).
        var lowWall: Int64
        /// Wall-clock seconds at which the segment ends (exclusive), nil for never.
        var endWall: Int64?
        /// Whether the segment's first instant is a fire for matches skipped in a gap.
        var firesAtStartForGap: Bool
    }

    private func rule(for segment: ZoneTimeline.Segment) -> SegmentRule {
        var lowWall = segment.start + segment.offset
        var firesAtStartForGap = false
        if !followsRealClock {
            if segment.previousOffset > segment.offset {
                // Overlap: the wall clock repeats [start + offset, start + previousOffset).
                lowWall = segment.start + segment.previousOffset
            } else if segment.previousOffset < segment.offset {
                // Gap: the wall clock skipped [start + previousOffset, start + offset).
                let gapFirst = CivilCalendar.ceilDiv(segment.start + segment.previousOffset, 60)
                let gapLast = CivilCalendar.ceilDiv(segment.start + segment.offset, 60) - 1
                firesAtStartForGap = firstWallMinute(from: gapFirst, through: gapLast) != nil
            }
        }
        return SegmentRule(
            lowWall: lowWall,
            endWall: segment.end.map { $0 + segment.offset },
            firesAtStartForGap: firesAtStartForGap
        )
    }

    /// The wall minutes of `segment` whose fires lie in `(after, through]` instants.
    private func wallMinutes(
        in segment: ZoneTimeline.Segment,
        rule: SegmentRule,
        after: Int64,
        through: Int64
    ) -> (first: Int64, last: Int64) {
        let first = CivilCalendar.ceilDiv(max(rule.lowWall, after + 1 + segment.offset), 60)
        var last = CivilCalendar.floorDiv(through + segment.offset, 60)
        if let endWall = rule.endWall {
            last = min(last, CivilCalendar.ceilDiv(endWall, 60) - 1)
        }
        return (first, last)
    }

    /// The first fire strictly after the instant `second`.
    func nextFire(afterSecond second: Int64, in timeline: ZoneTimeline) -> Int64? {
        let horizon = second + Self.horizonSeconds
        // Cheap answer for expressions that never match (`0 0 30 2 *`), before walking the
        // zone's transitions for 400 years.
        let lookbackMinute = CivilCalendar.floorDiv(second - ZoneTimeline.lookback, 60)
        guard firstWallMinute(from: lookbackMinute, through: CivilCalendar.floorDiv(horizon, 60)) != nil else {
            return nil
        }
        var segment = timeline.segment(containing: second)
        while true {
            let rule = rule(for: segment)
            if rule.firesAtStartForGap, segment.start > second {
                return segment.start
            }
            let walls = wallMinutes(in: segment, rule: rule, after: second, through: horizon)
            if let wall = firstWallMinute(from: walls.first, through: walls.last) {
                return wall * 60 - segment.offset
            }
            guard let following = timeline.segment(after: segment), following.start <= horizon else {
                return nil
            }
            segment = following
        }
    }

    /// The last fire in the instants `(after, atOrBefore]`.
    func lastFire(atOrBeforeSecond last: Int64, afterSecond after: Int64, in timeline: ZoneTimeline) -> Int64? {
        guard after < last else { return nil }
        for segment in timeline.segments(from: after, through: last).reversed() {
            let rule = rule(for: segment)
            let walls = wallMinutes(in: segment, rule: rule, after: after, through: last)
            if let wall = lastWallMinute(atOrBefore: walls.last, notBefore: walls.first) {
                return wall * 60 - segment.offset
            }
            if rule.firesAtStartForGap, segment.start > after, segment.start <= last {
                return segment.start
            }
        }
        return nil
    }

    /// How many fires lie in the instants `(after, through]`, one step per day and per
    /// transition rather than per fire.
    func fireCount(afterSecond after: Int64, throughSecond through: Int64, in timeline: ZoneTimeline) -> Int64 {
        guard after < through else { return 0 }
        var total: Int64 = 0
        for segment in timeline.segments(from: after, through: through) {
            let rule = rule(for: segment)
            let walls = wallMinutes(in: segment, rule: rule, after: after, through: through)
            total += countWallMinutes(from: walls.first, through: walls.last)
            if rule.firesAtStartForGap, segment.start > after, segment.start <= through {
                // Counted already when the wall time right after the gap matches itself.
                let startWall = segment.start + segment.offset
                let startMatches = startWall % 60 == 0 && matches(wallMinute: startWall / 60)
                if !startMatches { total += 1 }
            }
        }
        return total
    }
}
