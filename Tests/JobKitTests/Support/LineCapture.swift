import JobKit
import Synchronization

/// Collects the lines a JobKit log handler writes, in memory, for tests.
final class LineCapture: Sendable {
    private let captured = Mutex<[String]>([])

    /// An output that appends every line here.
    var output: LogOutput {
        LogOutput { [self] line in append(line) }
    }

    /// Adds a line, as ``output`` does.
    func append(_ line: String) {
        captured.withLock { $0.append(line) }
    }

    /// Every line so far, oldest first, without line terminators.
    var lines: [String] { captured.withLock { $0 } }

    /// The only line written; throws when there is not exactly one.
    var onlyLine: String {
        get throws {
            let lines = self.lines
            guard lines.count == 1 else { throw LineCountError(lines: lines) }
            return lines[0]
        }
    }

    /// Thrown by ``onlyLine`` when there is not exactly one line.
    struct LineCountError: Error, CustomStringConvertible {
        var lines: [String]
        var description: String { "Expected exactly one line, got \(lines.count): \(lines)" }
    }
}
