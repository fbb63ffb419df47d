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
    /// Sub-millisecond parts are truncated, never rounded up into the next millisecond.
    public var jobKitTimestamp: String {
        // A `Date` keeps seconds since 2001 in a `Double`, so `…00.002` can read back as
        // `…00.0019999`: truncating that straight to milliseconds printed `.001`. Rounding to
        // whole microseconds first absorbs the representation error; truncation happens after.
        let microseconds = Int64((timeIntervalSince1970 * 1_000_000).rounded())
        let totalMilliseconds = Self.floorDivide(microseconds, 1000)
        let wholeSeconds = Self.floorDivide(totalMilliseconds, 1000)
        let milliseconds = Int32(totalMilliseconds - wholeSeconds * 1000)
        var seconds = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = parts.tm_year + 1900
        guard (0...9999).contains(year) else { return Self.timestamp(parts, milliseconds: milliseconds) }
        // Every part has a fixed width: the 24 bytes are written in place, with no string per part.
        return String(unsafeUninitializedCapacity: 24) { bytes in
            func put(_ value: Int32, width: Int, at end: Int) {
                var value = value
                for index in stride(from: end - 1, through: end - width, by: -1) {
                    bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, width: 4, at: 4)
            bytes[4] = UInt8(ascii: "-")
            put(parts.tm_mon + 1, width: 2, at: 7)
            bytes[7] = UInt8(ascii: "-")
            put(parts.tm_mday, width: 2, at: 10)
            bytes[10] = UInt8(ascii: "T")
            put(parts.tm_hour, width: 2, at: 13)
            bytes[13] = UInt8(ascii: ":")
            put(parts.tm_min, width: 2, at: 16)
            bytes[16] = UInt8(ascii: ":")
            put(parts.tm_sec, width: 2, at: 19)
            bytes[19] = UInt8(ascii: ".")
            put(milliseconds, width: 3, at: 23)
            bytes[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// The timestamp of a year outside 0–9999: the year takes as many digits as it needs, and a
    /// sign when negative.
    private static func timestamp(_ parts: tm, milliseconds: Int32) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func append(_ value: Int32, width: Int) {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            let digits = String(value.magnitude).utf8
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, width - digits.count)))
            bytes.append(contentsOf: digits)
        }
        append(parts.tm_year + 1900, width: 4)
        bytes.append(UInt8(ascii: "-"))
        append(parts.tm_mon + 1, width: 2)
        bytes.append(UInt8(ascii: "-"))
        append(parts.tm_mday, width: 2)
        bytes.append(UInt8(ascii: "T"))
        append(parts.tm_hour, width: 2)
        bytes.append(UInt8(ascii: ":"))
        append(parts.tm_min, width: 2)
        bytes.append(UInt8(ascii: ":"))
        append(parts.tm_sec, width: 2)
        bytes.append(UInt8(ascii: "."))
        append(milliseconds, width: 3)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Division rounding toward negative infinity, so dates before 1970 split correctly.
    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor < 0) ? quotient - 1 : quotient
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
