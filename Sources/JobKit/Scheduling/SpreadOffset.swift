import Foundation

/// The stable offset by which a job's `spread` moves its grid of ticks.
///
/// A jobs file's `"spread": "10m"` moves every tick of a job by the same offset in
/// `[0, spread)`, so a hundred hourly jobs do not all fire at :00. The offset depends on the
/// job's name only, by a fixed formula, so it is the same on every machine, in every release
/// and across restarts:
///
/// **offset = FNV-1a 64 (the UTF-8 bytes of the name) mod spread**, counted in whole
/// milliseconds (FNV-1a 64: offset basis `0xcbf29ce484222325`, prime `0x100000001b3`).
///
/// Unlike `jitter`, the offset is part of the tick's identity: the shifted instant is the tick
/// the store sees, ``JobStatusReport`` lists and every event names. A Swift user who builds
/// ``ScheduledJob`` values sets ``ScheduledJob/spread`` (the scheduler applies the offset) and
/// reads the offset back as ``ScheduledJob/tickOffset``, or calls ``offset(forJob:spread:)``;
/// a ``TickPlanner`` takes it as its `offset`.
public enum SpreadOffset {
    /// The offset of the job named `name` for a spread of `spread`: FNV-1a 64 of the name's
    /// UTF-8 bytes modulo the spread in whole milliseconds. Zero for a spread shorter than 1 ms
    /// (no spread); a part of the spread finer than a millisecond is ignored.
    public static func offset(forJob name: String, spread: Duration) -> Duration {
        .milliseconds(offsetMilliseconds(forJob: name, spread: spread))
    }

    /// ``offset(forJob:spread:)`` in whole milliseconds.
    static func offsetMilliseconds(forJob name: String, spread: Duration) -> Int64 {
        guard let spreadMS = wholeMilliseconds(spread), spreadMS >= 1 else { return 0 }
        return Int64(fnv1a64(name) % UInt64(spreadMS))
    }

    /// FNV-1a, 64 bits, of the UTF-8 bytes of `text`.
    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// A non-negative duration in whole milliseconds, rounded down; nil when negative or too long.
    static func wholeMilliseconds(_ duration: Duration) -> Int64? {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return nil }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return nil }
        let (milliseconds, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return overflow2 ? nil : milliseconds
    }
}
