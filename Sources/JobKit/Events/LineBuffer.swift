/// The bytes of one log line under construction: UTF-8, without its newline.
///
/// Handlers build a line here and hand it to ``LogOutput`` in one piece. Appending works on
/// UTF-8 bytes directly, with no Foundation encoder on the hot path.
struct LineBuffer {
    /// The line so far.
    var bytes: [UInt8] = []

    /// An empty line with room for `capacity` bytes.
    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends literal text as it is.
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends a string's UTF-8 as it is.
    mutating func append(raw text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends one ASCII character.
    mutating func append(ascii: Unicode.Scalar) {
        bytes.append(UInt8(ascii: ascii))
    }

    /// Appends an integer in decimal, as `String(value)` spells it.
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 { append(ascii: "-") }
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var index = start + digits - 1
        repeat {
            bytes[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
    }

    /// Appends `\u00XX` for a byte below 0x80.
    mutating func appendUnicodeEscape(_ byte: UInt8) {
        append("\\u00")
        bytes.append(Self.hexDigits[Int(byte >> 4)])
        bytes.append(Self.hexDigits[Int(byte & 0x0F)])
    }

    /// Runs `body` over a string's UTF-8, without copying when the string is native.
    static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = text
        return text.withUTF8(body)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
