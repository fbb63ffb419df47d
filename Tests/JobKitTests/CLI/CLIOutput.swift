import Foundation
import Synchronization

/// What a `jobkit` process wrote: stdout split into lines, stderr as text, and whether each
/// stream has reached its end. Filled by the reader threads of ``JobKitProcess``.
final class CLIOutput: Sendable {
    /// The two streams read.
    enum Stream: Int, Sendable {
        case stdout = 1
        case stderr = 2
    }

    private struct State {
        var stdoutLines: [String] = []
        var partialLine = Data()
        var stderr = Data()
        var ended: Set<Int> = []
    }

    private let state = Mutex(State())

    /// The complete lines written to stdout so far, without their line feeds.
    var stdoutLines: [String] { state.withLock { $0.stdoutLines } }

    /// Everything written to stderr so far.
    var stderr: String { state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// Whether both streams have reached their end.
    var isComplete: Bool { state.withLock { $0.ended.count == 2 } }

    /// Adds bytes read from `stream`.
    func append(_ bytes: Data, from stream: Stream) {
        state.withLock { state in
            switch stream {
            case .stderr:
                state.stderr.append(bytes)
            case .stdout:
                state.partialLine.append(bytes)
                while let newline = state.partialLine.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = state.partialLine[state.partialLine.startIndex..<newline]
                    state.stdoutLines.append(String(decoding: line, as: UTF8.self))
                    state.partialLine.removeSubrange(state.partialLine.startIndex...newline)
                }
            }
        }
    }

    /// Marks `stream` as ended; an unterminated last stdout line counts as a line.
    func end(_ stream: Stream) {
        state.withLock { state in
            if stream == .stdout, !state.partialLine.isEmpty {
                state.stdoutLines.append(String(decoding: state.partialLine, as: UTF8.self))
                state.partialLine = Data()
            }
            state.ended.insert(stream.rawValue)
        }
    }
}
