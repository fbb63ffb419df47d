/// A PostgreSQL array literal (`{"a","b",NULL}`) for one parameter of array type: how the
/// batch functions get their arrays as ordinary text parameters, every value still a
/// parameter (never spliced into the SQL). Each element is quoted, with `"` and `\` escaped.
///
/// Written as UTF-8 bytes, a run of plain bytes copied at once: a batch of 10,000 claims makes
/// seven of these.
enum PostgresArrayLiteral {
    static func text(_ elements: [String?]) -> String {
        var literal: [UInt8] = [UInt8(ascii: "{")]
        literal.reserveCapacity(elements.count * 16 + 2)
        for (index, element) in elements.enumerated() {
            if index > 0 { literal.append(UInt8(ascii: ",")) }
            guard let element else {
                literal.append(contentsOf: "NULL".utf8)
                continue
            }
            literal.append(UInt8(ascii: "\""))
            LineBuffer.withUTF8(element) { utf8 in
                var runStart = 0
                for (offset, byte) in utf8.enumerated() where byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    literal.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<offset]))
                    literal.append(UInt8(ascii: "\\"))
                    runStart = offset
                }
                literal.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            }
            literal.append(UInt8(ascii: "\""))
        }
        literal.append(UInt8(ascii: "}"))
        return String(decoding: literal, as: UTF8.self)
    }
}
