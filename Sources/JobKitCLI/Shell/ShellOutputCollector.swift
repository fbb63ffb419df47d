#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a stream's bytes chunk by chunk and keeps only its tail: the last `lineLimit` lines,
/// each cut to `lineByteLimit` bytes, in memory bounded by their product whatever the stream's
/// size. Lines that cannot be among the last are skipped without being copied.
struct ShellOutputCollector: Sendable {
    let lineLimit: Int
    let lineByteLimit: Int
    /// Complete lines kept, oldest first; each at most `lineByteLimit` bytes.
    private var lines: [[UInt8]] = []
    /// Whether each kept line was cut.
    private var cut: [Bool] = []
    /// The line being written, up to `lineByteLimit` bytes.
    private var partial: [UInt8] = []
    private var partialIsCut = false
    /// Whether the line being written has any byte yet (it may be cut to nothing kept).
    private var partialStarted = false
    private(set) var byteCount = 0
    private(set) var droppedLineCount = 0

    init(lineLimit: Int, lineByteLimit: Int) {
        self.lineLimit = max(0, lineLimit)
        self.lineByteLimit = max(1, lineByteLimit)
    }

    /// Takes the next chunk of the stream.
    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        byteCount += chunk.count
        // Where the line breaks are; only the positions of the last `lineLimit + 1` matter.
        var breaks: [Int] = []
        var searchFrom = 0
        while searchFrom < chunk.count,
              let found = memchr(base + searchFrom, 0x0A, chunk.count - searchFrom) {
            let position = base.distance(to: UnsafeRawPointer(found))
            breaks.append(position)
            searchFrom = position + 1
        }
        guard let lastBreak = breaks.last else {
            appendToPartial(UnsafeRawBufferPointer(rebasing: chunk[0...]))
            return
        }
        // Lines ended in this chunk: the first continues `partial`, each later one starts
        // after the previous break. Skip those that cannot be among the last `lineLimit`.
        let firstKept = max(0, breaks.count - lineLimit)
        for index in 0..<breaks.count {
            let start = index == 0 ? 0 : breaks[index - 1] + 1
            if index < firstKept {
                droppedLineCount += 1
                if index == 0 { resetPartial() }
                continue
            }
            appendToPartial(UnsafeRawBufferPointer(rebasing: chunk[start..<breaks[index]]))
            endLine()
        }
        if lastBreak + 1 < chunk.count {
            appendToPartial(UnsafeRawBufferPointer(rebasing: chunk[(lastBreak + 1)...]))
        }
    }

    /// The tail so far, with the unfinished last line (if any) as its last line.
    func tail() -> ShellOutputTail {
        var kept = zip(lines, cut).map { Self.text($0, cut: $1) }
        var dropped = droppedLineCount
        if partialStarted {
            kept.append(Self.text(Self.withoutCarriageReturn(partial), cut: partialIsCut))
            if kept.count > lineLimit {
                kept.removeFirst()
                dropped += 1
            }
        }
        return ShellOutputTail(lines: kept, byteCount: byteCount, droppedLineCount: dropped)
    }

    private mutating func appendToPartial(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        partialStarted = true
        let room = lineByteLimit - partial.count
        if bytes.count <= room {
            partial.append(contentsOf: bytes)
        } else {
            partial.append(contentsOf: bytes.prefix(room))
            partialIsCut = true
        }
    }

    private mutating func endLine() {
        if lineLimit > 0 {
            lines.append(Self.withoutCarriageReturn(partial))
            cut.append(partialIsCut)
            if lines.count > lineLimit {
                lines.removeFirst()
                cut.removeFirst()
                droppedLineCount += 1
            }
        } else {
            droppedLineCount += 1
        }
        resetPartial()
    }

    private mutating func resetPartial() {
        partial.removeAll(keepingCapacity: true)
        partialIsCut = false
        partialStarted = false
    }

    private static func withoutCarriageReturn(_ line: [UInt8]) -> [UInt8] {
        line.last == 0x0D ? Array(line.dropLast()) : line
    }

    /// The line as text; a cut line loses a trailing partial UTF-8 sequence and ends in `…`.
    private static func text(_ line: [UInt8], cut: Bool) -> String {
        guard cut else { return String(decoding: line, as: UTF8.self) }
        var end = line.count
        // Back up over continuation bytes (10xxxxxx) to the lead byte of the last scalar,
        // and drop that scalar when the cut left it incomplete.
        var continuation = 0
        while end > 0, line[end - 1] & 0xC0 == 0x80, continuation < 3 {
            end -= 1
            continuation += 1
        }
        if end > 0, line[end - 1] & 0xC0 == 0xC0 {
            let lead = line[end - 1]
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            if continuation + 1 < length { end -= 1 } else { end += continuation }
        } else {
            end += continuation
        }
        return String(decoding: line[0..<end], as: UTF8.self) + "…"
    }
}
