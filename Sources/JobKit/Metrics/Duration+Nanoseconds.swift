extension Duration {
    /// The duration in whole nanoseconds (what swift-metrics timers record), saturating at
    /// `Int64.max`.
    var jobKitNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled + attoseconds / 1_000_000_000
    }
}
