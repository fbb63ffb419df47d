import Logging

extension LineBuffer {
    /// Appends a string as a JSON string literal, quotes included.
    ///
    /// Escapes `"`, `\`, every control character (U+0000–U+001F, as `\n`, `\r`, `\t`, `\b`, `\f`
    /// or `\u00XX`), DEL, and the line and paragraph separators U+2028/U+2029 (valid JSON, but
    /// line breaks to JavaScript and to some log shippers). Everything else is copied as UTF-8,
    /// which Swift strings always hold valid, so the output is valid JSON for any string.
    mutating func appendJSONString(_ text: String) {
        append(ascii: "\"")
        Self.withUTF8(text) { utf8 in
            var runStart = 0
            var index = 0
            let count = utf8.count
            while index < count {
                let byte = utf8[index]
                let escapeLength: Int
                switch byte {
                case 0x00...0x1F, 0x22, 0x5C, 0x7F:
                    escapeLength = 1
                case 0xE2 where index + 2 < count && utf8[index + 1] == 0x80
                    && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    escapeLength = 3
                default:
                    index += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                switch byte {
                case 0x22: append("\\\"")
                case 0x5C: append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                case 0xE2: append(utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                default: appendUnicodeEscape(byte)
                }
                index += escapeLength
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
        }
        append(ascii: "\"")
    }

    /// Appends a metadata value as JSON: strings quoted, numbers and booleans bare
    /// (see ``LogScalar``), arrays and dictionaries recursively (dictionary keys sorted).
    mutating func appendJSONValue(_ value: Logger.MetadataValue) {
        switch value {
        case .string(let text):
            appendJSONString(text)
        case .stringConvertible(let convertible):
            // JobKit's own numbers (`.number`) are `Int64`: printed without a string in between.
            if let integer = convertible as? Int64 {
                appendDecimal(integer)
                return
            }
            switch LogScalar(convertible) {
            case .number(let text): append(raw: text)
            case .bool(let flag): append(flag ? "true" : "false")
            case .string(let text): appendJSONString(text)
            }
        case .array(let items):
            append(ascii: "[")
            for (position, item) in items.enumerated() {
                if position > 0 { append(ascii: ",") }
                appendJSONValue(item)
            }
            append(ascii: "]")
        case .dictionary(let dictionary):
            append(ascii: "{")
            for (position, entry) in dictionary.sorted(by: { $0.key < $1.key }).enumerated() {
                if position > 0 { append(ascii: ",") }
                appendJSONString(entry.key)
                append(ascii: ":")
                appendJSONValue(entry.value)
            }
            append(ascii: "}")
        }
    }

    /// Appends a whole record as one JSON object.
    mutating func appendJSONRecord(
        timestamp: String, level: Logger.Level, message: String, fields: LogFields
    ) {
        append("{\"ts\":")
        appendJSONString(timestamp)
        append(",\"level\":")
        appendJSONString(level.rawValue)
        if let event = fields.event {
            append(",\"event\":")
            appendJSONString(event)
        }
        append(",\"message\":")
        appendJSONString(message)
        for field in fields.fields {
            append(ascii: ",")
            appendJSONString(field.name)
            append(ascii: ":")
            appendJSONValue(field.value)
        }
        append(ascii: "}")
    }
}
