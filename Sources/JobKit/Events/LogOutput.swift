#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where ``JSONLogHandler`` and ``TextLogHandler`` write their lines.
///
/// An output writes each line whole: lines are serialized by a lock that belongs to the
/// output, so lines logged from many threads at once never interleave. Every copy of an output
/// shares that lock, and so does every handler given it, so share one output per destination
/// (``standardOutput`` is one value for the whole process).
///
/// Outputs on a file descriptor write each line with `write(2)` and keep no buffer: a line is
/// in the kernel's hands when `log` returns, so nothing is lost when the process exits or
/// crashes right after.
///
/// ```swift
/// // In tests: collect lines in memory.
/// let lines = Mutex<[String]>([])
/// let output = LogOutput { line in lines.withLock { $0.append(line) } }
/// ```
public struct LogOutput: Sendable {
    /// The process's standard output (file descriptor 1): the default for every handler.
    public static let standardOutput = LogOutput(fileDescriptor: 1)

    /// The process's standard error (file descriptor 2).
    public static let standardError = LogOutput(fileDescriptor: 2)

    private let sink: Sink

    /// An output that writes to an open file descriptor, one `write(2)` per line.
    ///
    /// The descriptor stays open and owned by the caller. Lines are serialized only among users
    /// of this output (and its copies): create one output per descriptor and share it. Use
    /// ``standardOutput`` and ``standardError`` rather than making new outputs for 1 and 2.
    ///
    /// - Parameter fileDescriptor: An open descriptor, e.g. a file opened with `O_APPEND`.
    public init(fileDescriptor: Int32) {
        self.sink = Sink(.fileDescriptor(fileDescriptor))
    }

    /// An output that hands each line to a closure: for tests, or to ship lines elsewhere.
    ///
    /// - Parameter writeLine: Called once per log record with the complete line, without its
    ///   line terminator. Calls never overlap (the output holds its lock during each call), so
    ///   the closure may append to unsynchronized storage it owns; it must not log through a
    ///   handler that uses this same output.
    public init(_ writeLine: @escaping @Sendable (String) -> Void) {
        self.sink = Sink(.closure(writeLine))
    }

    /// Writes one line; `line` holds its bytes without the newline, and may be extended.
    func write(line: inout [UInt8]) {
        sink.write(line: &line)
    }
}

extension LogOutput {
    /// The shared destination of an output and its lock.
    private final class Sink: Sendable {
        enum Destination: Sendable {
            case fileDescriptor(Int32)
            case closure(@Sendable (String) -> Void)
        }

        private let destination: Destination
        private let lock = SleepingLock()

        init(_ destination: Destination) {
            self.destination = destination
        }

        func write(line: inout [UInt8]) {
            switch destination {
            case .closure(let writeLine):
                let text = String(decoding: line, as: UTF8.self)
                lock.withLock { writeLine(text) }
            case .fileDescriptor(let descriptor):
                line.append(UInt8(ascii: "\n"))
                line.withUnsafeBytes { bytes in
                    lock.withLock { Self.writeAll(bytes, to: descriptor) }
                }
            }
        }

        /// Writes every byte: normally one `write(2)`; retries after a signal or a short write.
        /// A line that cannot be written (closed pipe, full disk) is dropped: logging must
        /// never stop the work it reports on.
        private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) {
            guard var next = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let written = systemWrite(descriptor, next, remaining)
                if written > 0 {
                    next += written
                    remaining -= written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }

        private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
            #if canImport(Glibc)
            Glibc.write(descriptor, bytes, count)
            #elseif canImport(Musl)
            Musl.write(descriptor, bytes, count)
            #else
            Darwin.write(descriptor, bytes, count)
            #endif
        }
    }
}
