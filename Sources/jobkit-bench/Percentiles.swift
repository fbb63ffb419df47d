/// Nearest-rank percentiles of a sample.
struct Percentiles {
    private let sorted: [Double]

    init(_ values: [Double]) {
        sorted = values.sorted()
    }

    var count: Int { sorted.count }

    /// The smallest value with at least `p` (0…1) of the sample at or below it; nil when empty.
    func value(at p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }

    var min: Double? { sorted.first }

    var max: Double? { sorted.last }

    /// How many values exceed `limit`.
    func count(above limit: Double) -> Int { sorted.reduce(0) { $0 + ($1 > limit ? 1 : 0) } }
}
