import Foundation

/// Reads the time zone names a jobs file accepts: IANA names such as `Europe/Berlin`, plus
/// `UTC` and `GMT`.
///
/// Every machine of a fleet must read a name as the same zone, so two of Foundation's extra
/// spellings are refused: abbreviations (`PST`, `IST`, `EST`), which are ambiguous or lack
/// daylight saving time, with the IANA name they usually stand for as a suggestion; and offsets
/// such as `GMT+2`, whose sign is the opposite of IANA's `Etc/GMT+2`.
enum TimeZoneName {
    /// The names a suggestion may come from.
    private static let knownNames = ["UTC"] + TimeZone.knownTimeZoneIdentifiers
    /// Longer than any IANA name (the longest has about 30 characters), with room to spare.
    static let longestName = 100

    /// The zone `name` stands for.
    ///
    /// - Throws: ``TimeZoneNameError`` saying why the name is refused, with a suggestion when
    ///   one is close.
    static func resolve(_ name: String) throws(TimeZoneNameError) -> TimeZone {
        let shown = JSONValue.abbreviated(name)
        // No zone name is this long; refusing it here keeps a hostile name from reaching
        // Foundation's lookups and the suggestion search.
        guard name.utf8.count <= longestName else {
            throw TimeZoneNameError(
                "\"\(shown)\" is not a time zone name: it has \(name.unicodeScalars.count) characters; "
                    + "write an IANA name such as \"Europe/Berlin\", or \"UTC\"."
            )
        }
        let upper = name.uppercased()
        if name == "UTC" || name == "GMT", let zone = TimeZone(identifier: name) {
            return zone
        }
        if upper != "UTC", upper != "GMT", let full = TimeZone.abbreviationDictionary[upper] {
            throw TimeZoneNameError(
                "\"\(shown)\" is an abbreviation, not a time zone name; write an IANA name such as \"\(full)\"."
            )
        }
        if upper.hasPrefix("GMT") || upper.hasPrefix("UTC"), name.count > 3 {
            throw TimeZoneNameError(
                "\"\(shown)\" is not a time zone name; write an IANA name such as \"Europe/Berlin\", or \"UTC\"."
            )
        }
        if let zone = TimeZone(identifier: name) {
            return zone
        }
        if let suggestion = Suggestions.closest(to: name, among: knownNames) {
            throw TimeZoneNameError("unknown time zone \"\(shown)\"; did you mean \"\(suggestion)\"?")
        }
        throw TimeZoneNameError(
            "unknown time zone \"\(shown)\"; write an IANA name such as \"Europe/Berlin\", or \"UTC\"."
        )
    }
}
