import Foundation

/// Ticks as exact whole milliseconds since the Unix epoch, and the one way they become a `Date`.
///
/// A `Date` is a `Double` of seconds since 2001 and cannot hold every millisecond exactly, so
/// ticks are computed as `Int64` milliseconds and turned into a `Date` by a single fixed
/// formula, `Date(tickMilliseconds:)`: IEEE 754 arithmetic is the same on
/// every machine, so the same tick is the same `Date`, bit for bit, everywhere. The way back,
/// `tickMillisecondsFloor`, is exact for those dates.
extension Date {
    /// The date of the tick `milliseconds` after the Unix epoch.
    init(tickMilliseconds milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// The largest whole millisecond `m` with `Date(tickMilliseconds: m) <= self`: the tick
    /// itself for a tick's date, the millisecond before it otherwise. Nil for a date that is
    /// not finite or lies beyond the year 30000.
    var tickMillisecondsFloor: Int64? {
        let seconds = timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e12 else { return nil }
        var milliseconds = Int64((seconds * 1000).rounded(.down))
        while Date(tickMilliseconds: milliseconds + 1) <= self { milliseconds += 1 }
        while Date(tickMilliseconds: milliseconds) > self { milliseconds -= 1 }
        return milliseconds
    }
}
