import Logging

extension LineBuffer {
    /// Appends a word of a text line (an event name, a field name, a scalar value): bare when it
    /// is plain, else in double quotes with `"`, `\` and control characters escaped.
    ///
    /// A word needs quotes when it is empty or holds a space, a control character, DEL, `"`
    /// or `=`; inside an array or dictionary (`nested`) also `,`, `[`, `]`, `{` or `}`. So a
    /// line always splits back into its `name=value` fields, and stays one line.
    mutating func appendTextWord(_ text: String, nested: Bool = false) {
        let needsQuotes = Self.withUTF8(text) { utf8 in
            utf8.isEmpty || utf8.contains { byte in
                switch byte {
                case 0x00...0x20, 0x7F, UInt8(ascii: "\""), UInt8(ascii: "="): true
                case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
                    UInt8(ascii: "{"), UInt8(ascii: "}"):
                    nested
                default: false
                }
            }
        }
        guard needsQuotes else {
            append(raw: text)
            return
        }
        append(ascii: "\"")
        appendTextEscaped(text, escapingQuotes: true)
        append(ascii: "\"")
    }

    /// Appends free text (a message) with control characters escaped, so the record stays on
    /// one line; with `escapingQuotes`, `"` and `\` are escaped too.
    mutating func appendTextEscaped(_ text: String, escapingQuotes: Bool = false) {
        Self.withUTF8(text) { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                switch byte {
                case 0x00...0x1F, 0x7F: break
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): if !escapingQuotes { continue }
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                default: appendUnicodeEscape(byte)
                }
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
    }

    /// Appends a metadata value for a text line: scalars as words, arrays as `[a,b]`,
    /// dictionaries as `{key=value,…}` (keys sorted).
    mutating func appendTextValue(_ value: Logger.MetadataValue, nested: Bool = false) {
        switch value {
        case .string(let text):
            appendTextWord(text, nested: nested)
        case .stringConvertible(let convertible):
            switch LogScalar(convertible) {
            case .number(let text): append(raw: text)
            case .bool(let flag): append(flag ? "true" : "false")
            case .string(let text): appendTextWord(text, nested: nested)
            }
        case .array(let items):
            append(ascii: "[")
            for (position, item) in items.enumerated() {
                if position > 0 { append(ascii: ",") }
                appendTextValue(item, nested: true)
            }
            append(ascii: "]")
        case .dictionary(let dictionary):
            append(ascii: "{")
            for (position, entry) in dictionary.sorted(by: { $0.key < $1.key }).enumerated() {
                if position > 0 { append(ascii: ",") }
                appendTextWord(entry.key, nested: true)
                append(ascii: "=")
                appendTextValue(entry.value, nested: true)
            }
            append(ascii: "}")
        }
    }

    /// Appends a whole record as text: timestamp, padded level, event, fields, message on one
    /// line; a string field that spans several lines (the problems of `config.invalid`'s
    /// `error`) follows instead, one line each, indented by four spaces.
    mutating func appendTextRecord(
        timestamp: String, level: Logger.Level, message: String, fields: LogFields
    ) {
        append(raw: timestamp)
        append(ascii: " ")
        append(raw: level.rawValue)
        for _ in level.rawValue.utf8.count..<max(level.rawValue.utf8.count, 5) { append(ascii: " ") }
        if let event = fields.event {
            append(ascii: " ")
            appendTextWord(event)
        }
        var below: [String] = []
        for field in fields.fields {
            if case .string(let text) = field.value, text.contains("\n") {
                below.append(text)
                continue
            }
            append(ascii: " ")
            appendTextWord(field.name)
            append(ascii: "=")
            appendTextValue(field.value)
        }
        append(" — ")
        appendTextEscaped(message)
        for text in below {
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                append("\n    ")
                appendTextEscaped(String(line))
            }
        }
    }
}
