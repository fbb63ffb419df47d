/// The values one cron field matches, as bits 0...63.
struct CronBitSet: Sendable, Hashable {
    var bits: UInt64 = 0

    init(bits: UInt64 = 0) {
        self.bits = bits
    }

    /// All values in `range`.
    init(_ range: ClosedRange<Int>) {
        for value in range { insert(value) }
    }

    mutating func insert(_ value: Int) {
        bits |= 1 << UInt64(value)
    }

    func contains(_ value: Int) -> Bool {
        value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0
    }

    var count: Int { bits.nonzeroBitCount }

    /// The smallest value at or above `value`, if any.
    func next(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let masked = bits & (UInt64.max << UInt64(max(value, 0)))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }

    /// The largest value at or below `value`, if any.
    func previous(atOrBefore value: Int) -> Int? {
        guard value >= 0 else { return nil }
        let masked = value >= 63 ? bits : bits & ((1 << UInt64(value + 1)) - 1)
        return masked == 0 ? nil : 63 - masked.leadingZeroBitCount
    }

    /// How many values lie in `low...high`.
    func count(from low: Int, through high: Int) -> Int {
        guard low <= high else { return 0 }
        let upper: UInt64 = high >= 63 ? .max : (1 << UInt64(high + 1)) - 1
        let lower: UInt64 = UInt64.max << UInt64(max(low, 0))
        return (bits & upper & lower).nonzeroBitCount
    }
}
