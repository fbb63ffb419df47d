/// Turns byte offsets in a file into the line and column a person sees in an editor.
///
/// Lines are counted from 1 and end at each line feed (so `\r\n` ends a line once); columns
/// are counted from 1 in Unicode scalars, so `é` is one column and a tab is one column.
///
/// Finding a position costs the same wherever it is, so a minified file with a problem every
/// few bytes of one long line is still read in time linear in its size: two tables built in
/// one pass hold where each line starts and how many scalars start before every
/// ``checkpointStride``-th byte, and a column is the difference of two such counts, each
/// finished by scanning at most one stride of bytes.
struct SourceLocator: Sendable {
    /// How many bytes apart the scalar counts are kept.
    static let checkpointStride = 256

    private let bytes: [UInt8]
    /// The offset of the first byte of each line.
    private let lineStarts: [Int]
    /// `scalarsBefore[k]`: how many Unicode scalars start before byte `k * checkpointStride`.
    private let scalarsBefore: [Int]

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        var checkpoints: [Int] = []
        checkpoints.reserveCapacity(bytes.count / Self.checkpointStride + 1)
        var scalars = 0
        for (offset, byte) in bytes.enumerated() {
            if offset % Self.checkpointStride == 0 { checkpoints.append(scalars) }
            if byte & 0b1100_0000 != 0b1000_0000 { scalars += 1 }
            if byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        }
        if bytes.count % Self.checkpointStride == 0 { checkpoints.append(scalars) }
        lineStarts = starts
        scalarsBefore = checkpoints
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
        return (low + 1, scalarCount(before: offset) - scalarCount(before: lineStarts[low]) + 1)
    }

    /// `line 3, column 7`: a position as a message names it.
    func describe(_ offset: Int) -> String {
        let (line, column) = position(of: offset)
        return "line \(line), column \(column)"
    }

    /// How many Unicode scalars start before byte `offset`.
    private func scalarCount(before offset: Int) -> Int {
        let checkpoint = offset / Self.checkpointStride
        var count = scalarsBefore[checkpoint]
        for byte in bytes[(checkpoint * Self.checkpointStride)..<offset] where byte & 0b1100_0000 != 0b1000_0000 {
            count += 1
        }
        return count
    }
}
