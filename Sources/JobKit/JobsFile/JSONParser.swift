/// A strict JSON parser (RFC 8259) that keeps what the jobs file loader needs and
/// `JSONSerialization` drops: the order of keys, duplicate keys, and where every value starts.
///
/// It stops at the first syntax error, with a message that says what was expected and what was
/// found (`trailing comma before "}"; remove it`), at the offset of the culprit: the opening
/// quote of an unterminated string, the comma of a trailing comma, the end of the file for an
/// unclosed object (naming where that object starts).
///
/// A UTF-8 byte order mark at the start is skipped. Objects and arrays nest at most
/// ``maximumDepth`` deep, so a hostile file cannot exhaust the stack.
struct JSONParser {
    /// The deepest nesting of objects and arrays accepted.
    static let maximumDepth = 128

    private let bytes: [UInt8]
    private let locator: SourceLocator
    private var index = 0

    /// Parses a whole document: one value, with only white space around it.
    static func parse(_ bytes: [UInt8], locator: SourceLocator) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, locator: locator)
        return try parser.parseDocument()
    }

    private init(bytes: [UInt8], locator: SourceLocator) {
        self.bytes = bytes
        self.locator = locator
    }

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        skipWhitespace()
        guard index < bytes.count else {
            throw JSONSyntaxError(at: index, "the file is empty; a jobs file is a JSON object such as {\"jobs\": []}")
        }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else {
            throw JSONSyntaxError(
                at: index,
                "unexpected \(describeCharacter(at: index)) after the end of the top-level value"
            )
        }
        return value
    }

    // MARK: Values

    /// Parses the value at `index`, which is not white space and not the end of the file.
    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return JSONValue(content: .string(try parseString()), offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONValue(content: .number(try parseNumber()), offset: start)
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            return JSONValue(content: try parseWord(), offset: start)
        case UInt8(ascii: "'"):
            throw JSONSyntaxError(at: start, "JSON strings need double quotes, not single quotes")
        case UInt8(ascii: "/"), UInt8(ascii: "#"):
            throw JSONSyntaxError(at: start, "JSON has no comments")
        default:
            throw JSONSyntaxError(at: start, "expected a value, found \(describeCharacter(at: start))")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        let start = index
        try checkDepth(depth, at: start)
        index += 1
        var members: [JSONValue.Member] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return JSONValue(content: .object(members), offset: start)
        }
        while true {
            try requireMore(closing: "object", openedAt: start)
            let keyOffset = index
            guard bytes[keyOffset] == UInt8(ascii: "\"") else {
                throw keyExpected(at: keyOffset)
            }
            let key = try parseString()
            skipWhitespace()
            try requireMore(closing: "object", openedAt: start)
            guard bytes[index] == UInt8(ascii: ":") else {
                throw JSONSyntaxError(
                    at: index,
                    "expected \":\" after the key \"\(JSONValue.abbreviated(key))\", "
                        + "found \(describeCharacter(at: index))"
                )
            }
            index += 1
            skipWhitespace()
            try requireMore(closing: "object", openedAt: start)
            let value = try parseValue(depth: depth)
            members.append(JSONValue.Member(key: key, keyOffset: keyOffset, value: value))
            skipWhitespace()
            try requireMore(closing: "object", openedAt: start)
            switch bytes[index] {
            case UInt8(ascii: "}"):
                index += 1
                return JSONValue(content: .object(members), offset: start)
            case UInt8(ascii: ","):
                let comma = index
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    throw JSONSyntaxError(at: comma, "trailing comma before \"}\"; remove it")
                }
            default:
                throw separatorExpected(closer: "}", container: "object", openedAt: start)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        let start = index
        try checkDepth(depth, at: start)
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return JSONValue(content: .array(elements), offset: start)
        }
        while true {
            try requireMore(closing: "array", openedAt: start)
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            try requireMore(closing: "array", openedAt: start)
            switch bytes[index] {
            case UInt8(ascii: "]"):
                index += 1
                return JSONValue(content: .array(elements), offset: start)
            case UInt8(ascii: ","):
                let comma = index
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    throw JSONSyntaxError(at: comma, "trailing comma before \"]\"; remove it")
                }
            default:
                throw separatorExpected(closer: "]", container: "array", openedAt: start)
            }
        }
    }

    /// Reads the string whose opening quote is at `index`, and moves past its closing quote.
    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1
        var buffer: [UInt8] = []
        while true {
            guard index < bytes.count else {
                throw JSONSyntaxError(at: start, "unterminated string; the file ends before its closing quote")
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: buffer, as: UTF8.self) else {
                    throw JSONSyntaxError(at: start, "the string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw JSONSyntaxError(at: start, "unterminated string; the line ends before its closing quote")
            case UInt8(ascii: "\t"):
                throw JSONSyntaxError(at: index, "a string cannot hold a raw tab; write \\t")
            case 0..<0x20:
                let code = Self.hex4(UInt32(byte))
                throw JSONSyntaxError(
                    at: index,
                    "a string cannot hold the control character U+\(code); write \\u\(code)"
                )
            default:
                buffer.append(byte)
                index += 1
            }
        }
    }

    /// Reads the escape whose backslash is at `index`, appending the character's UTF-8 bytes.
    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        let start = index
        guard index + 1 < bytes.count else {
            throw JSONSyntaxError(at: start, "unterminated string; the file ends inside an escape")
        }
        let letter = bytes[index + 1]
        index += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(letter)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var value = try parseHex4(escapeAt: start)
            if (0xD800...0xDBFF).contains(value) {
                // A high surrogate must be followed by an escaped low surrogate.
                let lowStart = index
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else {
                    throw JSONSyntaxError(
                        at: start,
                        "\\u\(Self.hex4(value)) is the first half of a surrogate pair without its second half"
                    )
                }
                index += 2
                let low = try parseHex4(escapeAt: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONSyntaxError(
                        at: start,
                        "\\u\(Self.hex4(value)) is the first half of a surrogate pair without its second half"
                    )
                }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(value) {
                throw JSONSyntaxError(
                    at: start,
                    "\\u\(Self.hex4(value)) is the second half of a surrogate pair without its first half"
                )
            }
            // Every value left is a valid scalar: surrogates were handled above.
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw JSONSyntaxError(
                at: start,
                "invalid escape \\\(describeRaw(letter)) in a string; "
                    + #"use \", \\, \/, \b, \f, \n, \r, \t or \uXXXX"#
            )
        }
    }

    /// Reads the four hex digits after `\u` (at `index`).
    private mutating func parseHex4(escapeAt start: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = Self.hexValue(bytes[index]) else {
                throw JSONSyntaxError(at: start, "\\u must be followed by four hex digits, as in \\u00E9")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    /// Reads a number token and checks it against JSON's grammar:
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = index
        while index < bytes.count, Self.isTokenByte(bytes[index]) { index += 1 }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        let shown = JSONValue.abbreviated(token)
        guard Self.isJSONNumber(Array(bytes[start..<index])) else {
            if token.contains(where: \.isLetter), (try? DurationText.parse(token)) != nil {
                throw JSONSyntaxError(
                    at: start,
                    "\(shown) is not a JSON value; a duration with a unit is a string, so write \"\(shown)\""
                )
            }
            throw JSONSyntaxError(at: start, "invalid number \(shown); JSON numbers look like 90, 0.5 or 1e3")
        }
        return token
    }

    /// Reads `true`, `false` or `null`, or explains the bare word found instead.
    private mutating func parseWord() throws(JSONSyntaxError) -> JSONValue.Content {
        let start = index
        while index < bytes.count, Self.isTokenByte(bytes[index]) { index += 1 }
        let word = String(decoding: bytes[start..<index], as: UTF8.self)
        let shown = JSONValue.abbreviated(word)
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            if ["true", "false", "null"].contains(word.lowercased()) {
                throw JSONSyntaxError(
                    at: start,
                    "\(shown) is not a JSON value; write \(shown.lowercased()) in lower case"
                )
            }
            throw JSONSyntaxError(at: start, "\(shown) is not a JSON value; text needs double quotes, as in \"\(shown)\"")
        }
    }

    // MARK: Errors

    private func checkDepth(_ depth: Int, at offset: Int) throws(JSONSyntaxError) {
        if depth > Self.maximumDepth {
            throw JSONSyntaxError(at: offset, "objects and arrays nest more than \(Self.maximumDepth) deep")
        }
    }

    /// Throws when the file ends inside a container.
    private func requireMore(closing container: String, openedAt start: Int) throws(JSONSyntaxError) {
        guard index >= bytes.count else { return }
        let closer = container == "object" ? "}" : "]"
        throw JSONSyntaxError(
            at: index,
            "the file ends before the \(container) that starts at \(locator.describe(start)) is closed; "
                + "add \"\(closer)\""
        )
    }

    private mutating func keyExpected(at offset: Int) -> JSONSyntaxError {
        let byte = bytes[offset]
        if byte == UInt8(ascii: "'") {
            return JSONSyntaxError(at: offset, "JSON keys need double quotes, not single quotes")
        }
        if Self.isTokenByte(byte) {
            var end = offset
            while end < bytes.count, Self.isTokenByte(bytes[end]) { end += 1 }
            let word = JSONValue.abbreviated(String(decoding: bytes[offset..<end], as: UTF8.self))
            return JSONSyntaxError(at: offset, "the key \(word) needs double quotes: \"\(word)\"")
        }
        if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "#") {
            return JSONSyntaxError(at: offset, "JSON has no comments")
        }
        return JSONSyntaxError(at: offset, "expected a key in double quotes, found \(describeCharacter(at: offset))")
    }

    private func separatorExpected(closer: String, container: String, openedAt start: Int) -> JSONSyntaxError {
        let found = bytes[index]
        let startsValue =
            found == UInt8(ascii: "\"") || found == UInt8(ascii: "{") || found == UInt8(ascii: "[")
            || Self.isTokenByte(found)
        let hint = startsValue ? "; is a comma missing?" : ""
        return JSONSyntaxError(
            at: index,
            "expected \",\" or \"\(closer)\" in the \(container) that starts at \(locator.describe(start)), "
                + "found \(describeCharacter(at: index))\(hint)"
        )
    }

    // MARK: Bytes

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    /// How a message shows the character at `offset`: `"}"`, `a double quote`, `the end of
    /// the file`, `U+0001`.
    private func describeCharacter(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the file" }
        let byte = bytes[offset]
        switch byte {
        case UInt8(ascii: "\""): return "a double quote"
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "the end of the line"
        case UInt8(ascii: "\t"): return "a tab"
        case 0..<0x20, 0x7F: return "U+\(Self.hex4(UInt32(byte)))"
        case 0x80...:
            // Show the whole character the multi-byte sequence spells, if it spells one.
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            let end = min(offset + length, bytes.count)
            if let text = String(validating: bytes[offset..<end], as: UTF8.self) { return "\"\(text)\"" }
            return "a byte that is not UTF-8"
        default:
            return "\"\(describeRaw(byte))\""
        }
    }

    private func describeRaw(_ byte: UInt8) -> String {
        byte < 0x80 ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16, uppercase: true)
    }

    /// Bytes that continue a bare token: letters, digits, `+`, `-`, `.`, `_`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    private static func isJSONNumber(_ token: [UInt8]) -> Bool {
        var position = 0
        func digits() -> Int {
            let start = position
            while position < token.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(token[position]) {
                position += 1
            }
            return position - start
        }
        if position < token.count, token[position] == UInt8(ascii: "-") { position += 1 }
        guard position < token.count else { return false }
        if token[position] == UInt8(ascii: "0") {
            position += 1
        } else if digits() == 0 {
            return false
        }
        if position < token.count, token[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { return false }
        }
        if position < token.count, token[position] == UInt8(ascii: "e") || token[position] == UInt8(ascii: "E") {
            position += 1
            if position < token.count, token[position] == UInt8(ascii: "+") || token[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits() > 0 else { return false }
        }
        return position == token.count
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// `0041`: a code point as four (or more) upper-case hex digits, for `U+0041` and `\u0041`.
    static func hex4(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
