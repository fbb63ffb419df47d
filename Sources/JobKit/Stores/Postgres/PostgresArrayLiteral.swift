/// A PostgreSQL array literal (`{"a","b",NULL}`) for one parameter of array type: how the
/// batch functions get their arrays as ordinary text parameters, every value still a
/// parameter (never spliced into the SQL). Each element is quoted, with `"` and `\` escaped.
enum PostgresArrayLiteral {
    static func text(_ elements: [String?]) -> String {
        var literal = "{"
        literal.reserveCapacity(elements.count * 16)
        for (index, element) in elements.enumerated() {
            if index > 0 { literal.append(",") }
            guard let element else {
                literal.append("NULL")
                continue
            }
            literal.append("\"")
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { literal.append("\\") }
                literal.unicodeScalars.append(character)
            }
            literal.append("\"")
        }
        literal.append("}")
        return literal
    }
}
