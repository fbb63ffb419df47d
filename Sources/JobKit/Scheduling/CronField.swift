/// One of the five fields of a cron expression: its name, its values and how to read it.
struct CronField: Sendable {
    /// The field's name in messages, e.g. `day-of-month`.
    let name: String
    /// The values the field accepts. Day-of-week accepts 0...7, 7 being Sunday again.
    let range: ClosedRange<Int>
    /// Three-letter names, upper case, for `range.lowerBound + index` (month: JAN is 1).
    let names: [String]
    /// How a message shows the names, e.g. `JAN–DEC`.
    let namesHint: String?

    static let minute = CronField(name: "minute", range: 0...59, names: [], namesHint: nil)
    static let hour = CronField(name: "hour", range: 0...23, names: [], namesHint: nil)
    static let dayOfMonth = CronField(name: "day-of-month", range: 1...31, names: [], namesHint: nil)
    static let month = CronField(
        name: "month",
        range: 1...12,
        names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
        namesHint: "JAN–DEC"
    )
    static let dayOfWeek = CronField(
        name: "day-of-week",
        range: 0...7,
        names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        namesHint: "SUN–SAT"
    )

    /// Reads the field: a comma-separated list of `*`, `N`, `N-M`, each optionally followed by
    /// `/step`, and `N/step` meaning `N-max/step`. Day-of-week 7 is stored as 0 (Sunday).
    func parse(_ text: Substring, expression: String) throws(CronExpressionError) -> CronBitSet {
        func fail(_ code: CronExpressionError.Code, _ token: some StringProtocol) -> CronExpressionError {
            CronExpressionError(expression: expression, field: self, token: String(token), code)
        }
        var set = CronBitSet()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw fail(.emptyItem, text) }
            let slashParts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard slashParts.count <= 2 else { throw fail(.malformed(String(item)), item) }
            var step: Int?
            if slashParts.count == 2 {
                let stepText = slashParts[1]
                guard !stepText.isEmpty, stepText.allSatisfy(\.isASCIIDigit) else {
                    throw fail(.malformed(String(item)), item)
                }
                let size = range.upperBound - range.lowerBound + 1
                guard stepText.count <= 4, let value = Int(stepText), (1...size).contains(value) else {
                    throw fail(.stepOutOfRange(String(stepText)), stepText)
                }
                step = value
            }
            let base = slashParts[0]
            let low: Int
            let high: Int
            if base == "*" {
                low = range.lowerBound
                high = range.upperBound
            } else {
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2, !bounds.contains(where: \.isEmpty), !base.contains("*") else {
                    throw fail(.malformed(String(item)), item)
                }
                low = try value(bounds[0], fail: fail)
                if bounds.count == 2 {
                    high = try value(bounds[1], fail: fail)
                    guard low <= high else { throw fail(.backwardRange(String(base)), base) }
                } else {
                    high = step == nil ? low : range.upperBound
                }
            }
            for value in stride(from: low, through: high, by: step ?? 1) {
                set.insert(self.range.upperBound == 7 && value == 7 ? 0 : value)
            }
        }
        return set
    }

    private func value(
        _ token: Substring,
        fail: (CronExpressionError.Code, Substring) -> CronExpressionError
    ) throws(CronExpressionError) -> Int {
        if token.allSatisfy(\.isASCIIDigit) {
            let significant = token.drop(while: { $0 == "0" })
            guard significant.count <= 4, let number = Int(significant.isEmpty ? "0" : significant),
                range.contains(number)
            else {
                throw fail(.outOfRange(String(token)), token)
            }
            return number
        }
        if let index = names.firstIndex(of: token.uppercased()) {
            return range.lowerBound + index
        }
        throw fail(.notANumber(String(token)), token)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
