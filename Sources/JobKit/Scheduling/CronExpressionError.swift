/// A cron expression that cannot be read.
///
/// The ``description`` quotes the expression, names the field and the bad part, e.g.
/// `cron "61 * * * *": minute 61 is out of range 0–59.`
public struct CronExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Code: Sendable, Hashable {
        case fieldCount(Int)
        case unknownAlias(String)
        case reboot
        case emptyItem
        case malformed(String)
        case notANumber(String)
        case outOfRange(String)
        case backwardRange(String)
        case stepOutOfRange(String)
    }

    /// The expression as it was given.
    public let expression: String
    /// The field at fault (`minute`, `hour`, `day-of-month`, `month`, `day-of-week`), or nil
    /// when the expression as a whole is wrong.
    public let field: String?
    /// The part of the field at fault, e.g. `61` or `1-`, or nil when the expression as a
    /// whole is wrong.
    public let token: String?
    let code: Code
    let fieldRange: ClosedRange<Int>?
    let namesHint: String?

    init(expression: String, _ code: Code) {
        self.expression = expression
        self.field = nil
        self.token = nil
        self.code = code
        self.fieldRange = nil
        self.namesHint = nil
    }

    init(expression: String, field: CronField, token: String, _ code: Code) {
        self.expression = expression
        self.field = field.name
        self.token = token
        self.code = code
        self.fieldRange = field.range
        self.namesHint = field.namesHint
    }

    /// The message: `cron "<expression>": <what is wrong>.`
    public var description: String {
        "cron \"\(JSONValue.abbreviated(expression))\": \(reason)."
    }

    private var reason: String {
        let field = field ?? ""
        let token = JSONValue.abbreviated(token ?? "")
        let range = fieldRange.map { "\($0.lowerBound)–\($0.upperBound)" } ?? ""
        switch code {
        case .fieldCount(let count):
            return "expected 5 fields (minute hour day-of-month month day-of-week) "
                + "or an alias such as @daily, found \(count)"
        case .unknownAlias(let alias):
            return "unknown alias \"\(JSONValue.abbreviated(alias))\"; use @yearly, @annually, @monthly, @weekly, "
                + "@daily, @midnight or @hourly"
        case .reboot:
            return "@reboot is not supported: a scheduler fires on the clock, not at boot"
        case .emptyItem:
            return "\(field) \"\(token)\" has an empty item between commas"
        case .malformed(let item):
            return "\(field) \"\(JSONValue.abbreviated(item))\" is not a value, range or step "
                + "(such as 5, 1-10, */15, 1-10/2 or 5/10)"
        case .notANumber(let value):
            if let namesHint {
                return "\(field) \"\(JSONValue.abbreviated(value))\" is not a number in \(range) or a name in \(namesHint)"
            }
            return "\(field) \"\(JSONValue.abbreviated(value))\" is not a number"
        case .outOfRange(let value):
            return "\(field) \(value) is out of range \(range)"
        case .backwardRange(let item):
            return "\(field) range \(item) runs backwards; write the smaller value first"
        case .stepOutOfRange(let step):
            let size = fieldRange.map { $0.upperBound - $0.lowerBound + 1 } ?? 0
            return "\(field) step \(step) is out of range 1–\(size)"
        }
    }
}
