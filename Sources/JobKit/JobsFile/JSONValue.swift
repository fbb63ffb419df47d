/// A JSON value read by ``JSONParser``, with the byte offset where it starts in the file.
///
/// Objects keep their members in file order, duplicates included, so the jobs file loader can
/// report a duplicate key and point at every value it checks.
struct JSONValue: Sendable, Hashable {
    /// What the value holds.
    enum Content: Sendable, Hashable {
        case null
        case bool(Bool)
        /// A number, kept as written (`90`, `0.5`, `1e3`) so nothing is lost to floating point.
        case number(String)
        case string(String)
        case array([JSONValue])
        case object([Member])
    }

    /// One `"key": value` pair of an object.
    struct Member: Sendable, Hashable {
        let key: String
        /// Where the key's opening quote is.
        let keyOffset: Int
        let value: JSONValue
    }

    let content: Content
    /// Where the value's first byte is.
    let offset: Int

    /// The members of an object, or nil for any other value.
    var members: [Member]? {
        if case .object(let members) = content { return members }
        return nil
    }

    /// How a message names a value found where another was expected: `true`, `null`,
    /// `the number 5`, `the string "x"`, `an array`, `an object`.
    var kindDescription: String {
        switch content {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let text): return "the number \(text)"
        case .string(let text): return "the string \"\(Self.abbreviated(text))\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// `text`, cut to 40 characters with an ellipsis, for messages.
    static func abbreviated(_ text: String) -> String {
        guard text.unicodeScalars.count > 40 else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(40))) + "…"
    }
}
