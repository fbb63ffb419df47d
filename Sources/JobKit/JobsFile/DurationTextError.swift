/// A duration in a jobs file (or passed to ``DurationText``) that cannot be read.
///
/// The ``description`` names the value as it was given and says what to write instead, e.g.
/// `"1x" is not a duration: unknown unit "x"; use ms, s, m, h or d, as in "90s", "5m" or "1h30m".`
public struct DurationTextError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Code: Sendable, Hashable {
        case empty
        case negative
        case containsSpace
        case notFinite
        case notANumber(String)
        case missingNumber(unit: String)
        case missingUnit(number: String)
        case unknownUnit(String)
        case repeatedUnit(String)
        case unitOutOfOrder(String, after: String)
        case finerThanMillisecond
        case tooLarge
    }

    /// The value as it was given: the text, or for a number its decimal form.
    public let value: String
    /// Whether ``value`` was a string (quoted in the message) rather than a JSON number.
    public let valueIsText: Bool
    let code: Code

    init(text: String, _ code: Code) {
        self.value = text
        self.valueIsText = true
        self.code = code
    }

    init(number: String, _ code: Code) {
        self.value = number
        self.valueIsText = false
        self.code = code
    }

    /// The message: `"<value>" is not a duration: <what is wrong>.`
    public var description: String {
        let shown = valueIsText ? "\"\(JSONValue.abbreviated(value))\"" : JSONValue.abbreviated(value)
        return "\(shown) is not a duration: \(reason)."
    }

    private var reason: String {
        let units = "use ms, s, m, h or d, as in \"90s\", \"5m\" or \"1h30m\""
        switch code {
        case .empty:
            return "it is empty; write a number of seconds or a text such as \"90s\", \"5m\" or \"1h30m\""
        case .negative:
            return "it is negative; a duration is zero or more"
        case .containsSpace:
            return "it contains a space; write the parts together, as in \"1h30m\""
        case .notFinite:
            return "it is not a finite number"
        case .notANumber(let token):
            return "\"\(JSONValue.abbreviated(token))\" is not a number"
        case .missingNumber(let unit):
            return "the unit \"\(JSONValue.abbreviated(unit))\" has no number before it"
        case .missingUnit(let number):
            return "the number \(JSONValue.abbreviated(number)) has no unit; only a lone number means seconds, so \(units)"
        case .unknownUnit(let unit):
            return "unknown unit \"\(JSONValue.abbreviated(unit))\"; \(units)"
        case .repeatedUnit(let unit):
            return "the unit \"\(unit)\" appears twice"
        case .unitOutOfOrder(let unit, let previous):
            return "\"\(unit)\" comes after \"\(previous)\"; write units from largest to smallest, as in \"1h30m\""
        case .finerThanMillisecond:
            return "it is finer than a millisecond, the smallest step JobKit keeps"
        case .tooLarge:
            return "it is too large; the largest duration is \(DurationText.maximum.jobKitText)"
        }
    }
}
