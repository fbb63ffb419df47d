import Foundation

/// A figure printed with a fixed number of decimals in the table (whatever its size) and
/// written to JSON as a number rounded the same way.
struct Fixed: CustomStringConvertible {
    var value: Double
    var decimals: Int = 3

    /// The value rounded to ``decimals``, for JSON.
    var rounded: Double {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (value * scale).rounded() / scale
    }

    var description: String { String(format: "%.\(decimals)f", value) }
}
