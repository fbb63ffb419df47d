/// Turns byte offsets in a file into the line and column a person sees in an editor.
///
/// Lines are counted from 1 and end at each line feed (so `\r\n` ends a line once); columns
/// are counted from 1 in Unicode scalars, so `é` is one column and a tab is one column.
struct SourceLocator: Sendable {
    private let bytes: [UInt8]
    /// The offset of the first byte of each line.
    private let lineStarts: [Int]

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        lineStarts = starts
    }

    /// The line and column of the byte at `offset` (or of the end of the file).
    func position(of offset: Int) -> (line: Int, column: Int) {
        let offset = min(max(offset, 0), bytes.count)
        // The last line start at or before `offset`, by binary search.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        var column = 1
        for byte in bytes[lineStarts[low]..<offset] where byte & 0b1100_0000 != 0b1000_0000 {
            column += 1
        }
        return (low + 1, column)
    }

    /// `line 3, column 7`: a position as a message names it.
    func describe(_ offset: Int) -> String {
        let (line, column) = position(of: offset)
        return "line \(line), column \(column)"
    }
}
