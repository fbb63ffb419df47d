/// Whole fleets' worth of options.
extension [FleetProcessOptions] {
    /// `count` processes alike.
    public static func uniform(_ count: Int) -> [FleetProcessOptions] {
        [FleetProcessOptions](repeating: FleetProcessOptions(), count: count)
    }

    /// `count` processes whose clock offsets are spread evenly over `-skew ... +skew`.
    public static func skewed(_ count: Int, by skew: Duration) -> [FleetProcessOptions] {
        guard count > 1 else { return [FleetProcessOptions()] }
        return (0..<count).map { index in
            FleetProcessOptions(clockOffset: skew * (2 * Double(index) / Double(count - 1) - 1))
        }
    }
}
