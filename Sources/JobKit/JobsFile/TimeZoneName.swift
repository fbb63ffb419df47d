import Foundation

/// Reads the time zone names a jobs file accepts: IANA names such as `Europe/Berlin`, plus
/// `UTC` and `GMT`.
///
/// Every machine of a fleet must read a name as the same zone, so two of Foundation's extra
/// spellings are refused: abbreviations (`PST`, `IST`, `EST`), which are ambiguous or lack
/// daylight saving time, with the IANA name they usually stand for as a suggestion; and offsets
/// such as `GMT+2`, whose sign is the opposite of IANA's `Etc/GMT+2`.
enum TimeZoneName {
    /// The zone `name` stands for.
    ///
    /// - Throws: ``TimeZoneNameError`` saying why the name is refused, with a suggestion when
    ///   one is close.
    static func resolve(_ name: String) throws(TimeZoneNameError) -> TimeZone {
        let upper = name.uppercased()
        if name == "UTC" || name == "GMT", let zone = TimeZone(identifier: name) {
            return zone
        }
        if upper != "UTC", upper != "GMT", let full = TimeZone.abbreviationDictionary[upper] {
            throw TimeZoneNameError(
                "\"\(name)\" is an abbreviation, not a time zone name; write an IANA name such as \"\(full)\"."
            )
        }
        if upper.hasPrefix("GMT") || upper.hasPrefix("UTC"), name.count > 3 {
            throw TimeZoneNameError(
                "\"\(name)\" is not a time zone name; write an IANA name such as \"Europe/Berlin\", or \"UTC\"."
            )
        }
        if let zone = TimeZone(identifier: name) {
            return zone
        }
        if let suggestion = Suggestions.closest(to: name, among: ["UTC"] + TimeZone.knownTimeZoneIdentifiers) {
            throw TimeZoneNameError("unknown time zone \"\(name)\"; did you mean \"\(suggestion)\"?")
        }
        throw TimeZoneNameError(
            "unknown time zone \"\(name)\"; write an IANA name such as \"Europe/Berlin\", or \"UTC\"."
        )
    }
}
