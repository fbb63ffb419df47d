/// The end of what a command wrote to stdout or stderr: its last lines, each cut to a bound,
/// and how much was written in all.
///
/// The whole stream is always read, so the command never blocks on a full pipe; only the tail
/// is kept, so a command that writes gigabytes costs no memory.
public struct ShellOutputTail: Sendable, Hashable, CustomStringConvertible {
    /// The last lines, oldest first, without their line breaks (a `\r` before the `\n` is
    /// dropped too). A last line the command did not end with a line break is included.
    /// Bytes that are not UTF-8 read as U+FFFD. A line longer than the byte limit keeps its
    /// beginning and ends in `…`.
    public let lines: [String]
    /// How many bytes the stream carried in all.
    public let byteCount: Int
    /// How many lines came before ``lines`` and were not kept.
    public let droppedLineCount: Int

    /// Creates a tail; the runner creates them, tests may too.
    public init(lines: [String], byteCount: Int, droppedLineCount: Int) {
        self.lines = lines
        self.byteCount = byteCount
        self.droppedLineCount = droppedLineCount
    }

    /// Whether the stream carried nothing.
    public var isEmpty: Bool { byteCount == 0 }

    /// The kept lines joined by line breaks.
    public var text: String { lines.joined(separator: "\n") }

    /// The kept lines joined by line breaks, as ``text``.
    public var description: String { text }
}
