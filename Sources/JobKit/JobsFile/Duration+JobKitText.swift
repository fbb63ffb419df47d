extension Duration {
    /// The duration in the jobs file's notation, largest unit first: `1h30m`, `250ms`, `1d`,
    /// `0s`; negative durations start with `-`.
    ///
    /// ``DurationText`` reads this text back to the same duration for every duration of whole
    /// milliseconds that is zero or more. A part finer than a millisecond, which the jobs file
    /// cannot express, is shown as a decimal number of milliseconds (`1.5ms`) so messages stay
    /// truthful.
    public var jobKitText: String {
        let (seconds, attoseconds) = components
        let total = Int128(seconds) * 1_000_000_000_000_000_000 + Int128(attoseconds)
        if total == 0 { return "0s" }
        let sign = total < 0 ? "-" : ""
        let magnitude = total.magnitude
        let attosecondsPerMillisecond: UInt128 = 1_000_000_000_000_000
        var milliseconds = magnitude / attosecondsPerMillisecond
        let subMillisecond = magnitude % attosecondsPerMillisecond

        var text = sign
        for (size, unit) in [(UInt128(86_400_000), "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s")] {
            let count = milliseconds / size
            if count > 0 { text += "\(count)\(unit)" }
            milliseconds %= size
        }
        if subMillisecond != 0 {
            var digits = String(subMillisecond)
            digits = String(repeating: "0", count: 15 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "\(milliseconds).\(digits)ms"
        } else if milliseconds > 0 {
            text += "\(milliseconds)ms"
        }
        return text
    }
}
