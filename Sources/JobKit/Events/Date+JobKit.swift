import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Date {
    /// The date as RFC 3339 in UTC with milliseconds, e.g. `2026-11-23T09:15:00.250Z`.
    ///
    /// Written by hand rather than through a formatter: it is on the hot path of every log line.
    public var jobKitTimestamp: String {
        let totalMilliseconds = (timeIntervalSince1970 * 1000).rounded(.down)
        var seconds = time_t(Int64((totalMilliseconds / 1000).rounded(.down)))
        let milliseconds = Int(totalMilliseconds - Double(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + ".\(pad(Int32(milliseconds), 3))Z"
    }
}

extension Duration {
    /// The duration in seconds as a plain number, e.g. `1800` or `0.25`, for messages and events.
    public var jobKitSeconds: String {
        let (seconds, attoseconds) = components
        if attoseconds == 0 { return String(seconds) }
        var text = String(format: "%.3f", Double(seconds) + Double(attoseconds) / 1e18)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The duration in whole milliseconds.
    public var jobKitMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The duration in microseconds, as stores pass it to SQL.
    public var jobKitMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
