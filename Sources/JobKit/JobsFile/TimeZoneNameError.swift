/// A time zone name a jobs file cannot use; see ``TimeZoneName``.
struct TimeZoneNameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, as a sentence with its final punctuation, e.g.
    /// `unknown time zone "Europe/Berln"; did you mean "Europe/Berlin"?`
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}
