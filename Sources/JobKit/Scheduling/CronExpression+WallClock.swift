/// Matching on the wall clock alone: searches and counts over wall-clock minutes (minutes
/// since 1970-01-01 00:00 as read on a clock), skipping months, days and hours that cannot
/// match. No time zone is involved here.
extension CronExpression {
    /// Whether the expression fires on that date (month, then the day-of-month/day-of-week rule).
    func matchesDate(days: Int64, month: Int, day: Int) -> Bool {
        guard months.contains(month) else { return false }
        let dayOfMonthMatches = daysOfMonth.contains(day)
        let dayOfWeekMatches = daysOfWeek.contains(CivilCalendar.weekday(days: days))
        if dayOfMonthIsStar || dayOfWeekIsStar {
            return dayOfMonthMatches && dayOfWeekMatches
        }
        return dayOfMonthMatches || dayOfWeekMatches
    }

    /// Whether the expression matches the wall-clock minute.
    func matches(wallMinute: Int64) -> Bool {
        countWallMinutes(from: wallMinute, through: wallMinute) == 1
    }

    /// The first matching wall-clock minute in `from...through`.
    func firstWallMinute(from: Int64, through: Int64) -> Int64? {
        guard from <= through else { return nil }
        let perDay = CivilCalendar.minutesPerDay
        var days = CivilCalendar.floorDiv(from, perDay)
        var minuteOfDay = Int(from - days * perDay)
        var (year, month, day) = CivilCalendar.date(days: days)
        while days * perDay <= through {
            if !months.contains(month) {
                if let next = months.next(atOrAfter: month + 1) {
                    month = next
                } else {
                    year += 1
                    month = months.next(atOrAfter: 1) ?? 1
                }
                day = 1
                days = CivilCalendar.days(year: year, month: month, day: 1)
                minuteOfDay = 0
                continue
            }
            if matchesDate(days: days, month: month, day: day),
                let found = firstMinuteOfDay(atOrAfter: minuteOfDay)
            {
                let result = days * perDay + Int64(found)
                return result <= through ? result : nil
            }
            days += 1
            minuteOfDay = 0
            day += 1
            if day > CivilCalendar.daysInMonth(year: year, month: month) {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
        return nil
    }

    /// The last matching wall-clock minute in `notBefore...atOrBefore`.
    func lastWallMinute(atOrBefore: Int64, notBefore: Int64) -> Int64? {
        guard notBefore <= atOrBefore else { return nil }
        let perDay = CivilCalendar.minutesPerDay
        var days = CivilCalendar.floorDiv(atOrBefore, perDay)
        var minuteOfDay = Int(atOrBefore - days * perDay)
        var (year, month, day) = CivilCalendar.date(days: days)
        while days * perDay + perDay - 1 >= notBefore {
            if !months.contains(month) {
                if let previous = months.previous(atOrBefore: month - 1) {
                    month = previous
                } else {
                    year -= 1
                    month = months.previous(atOrBefore: 12) ?? 12
                }
                day = CivilCalendar.daysInMonth(year: year, month: month)
                days = CivilCalendar.days(year: year, month: month, day: day)
                minuteOfDay = Int(perDay) - 1
                continue
            }
            if matchesDate(days: days, month: month, day: day),
                let found = lastMinuteOfDay(atOrBefore: minuteOfDay)
            {
                let result = days * perDay + Int64(found)
                return result >= notBefore ? result : nil
            }
            days -= 1
            minuteOfDay = Int(perDay) - 1
            day -= 1
            if day < 1 {
                month -= 1
                if month < 1 {
                    month = 12
                    year -= 1
                }
                day = CivilCalendar.daysInMonth(year: year, month: month)
            }
        }
        return nil
    }

    /// How many wall-clock minutes in `from...through` match: one step per day, not per minute.
    func countWallMinutes(from: Int64, through: Int64) -> Int64 {
        guard from <= through else { return 0 }
        let perDay = CivilCalendar.minutesPerDay
        let firstDay = CivilCalendar.floorDiv(from, perDay)
        let lastDay = CivilCalendar.floorDiv(through, perDay)
        let fullDay = Int64(hours.count * minutes.count)
        var (year, month, day) = CivilCalendar.date(days: firstDay)
        var total: Int64 = 0
        var days = firstDay
        while days <= lastDay {
            if matchesDate(days: days, month: month, day: day) {
                let low = days == firstDay ? Int(from - days * perDay) : 0
                let high = days == lastDay ? Int(through - days * perDay) : Int(perDay) - 1
                total += (low == 0 && high == Int(perDay) - 1) ? fullDay : countInDay(from: low, through: high)
            }
            days += 1
            day += 1
            if day > CivilCalendar.daysInMonth(year: year, month: month) {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
        return total
    }

    private func firstMinuteOfDay(atOrAfter start: Int) -> Int? {
        var hour = start / 60
        var minute = start % 60
        while let matchingHour = hours.next(atOrAfter: hour) {
            if matchingHour != hour { minute = 0 }
            if let matchingMinute = minutes.next(atOrAfter: minute) {
                return matchingHour * 60 + matchingMinute
            }
            hour = matchingHour + 1
            minute = 0
        }
        return nil
    }

    private func lastMinuteOfDay(atOrBefore end: Int) -> Int? {
        var hour = end / 60
        var minute = end % 60
        while let matchingHour = hours.previous(atOrBefore: hour) {
            if matchingHour != hour { minute = 59 }
            if let matchingMinute = minutes.previous(atOrBefore: minute) {
                return matchingHour * 60 + matchingMinute
            }
            hour = matchingHour - 1
            minute = 59
        }
        return nil
    }

    private func countInDay(from low: Int, through high: Int) -> Int64 {
        var total = 0
        for hour in (low / 60)...(high / 60) where hours.contains(hour) {
            total += minutes.count(from: max(low - hour * 60, 0), through: min(high - hour * 60, 59))
        }
        return Int64(total)
    }
}
