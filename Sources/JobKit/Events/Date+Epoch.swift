import Foundation

extension Date {
    /// A date from microseconds since the Unix epoch, as stores exchange times.
    init(epochMicroseconds: Int64) {
        self.init(timeIntervalSince1970: Double(epochMicroseconds) / 1_000_000)
    }

    /// Microseconds since the Unix epoch, rounded to the nearest.
    var jobKitEpochMicroseconds: Int64 {
        Int64((timeIntervalSince1970 * 1_000_000).rounded())
    }
}
