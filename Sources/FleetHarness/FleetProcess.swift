import Foundation
import Synchronization

/// One `jobkit run` process of a fleet. Its stdout is read as JSON lines (``events``);
/// anything else it prints, on stdout or stderr, is kept in ``otherLines``.
///
/// Both streams are read to their end on threads of their own with blocking `read`, not with
/// `FileHandle.readabilityHandler`: its Dispatch read sources, set up and torn down for many
/// pipes at once, can crash libdispatch's epoll loop on Linux.
public final class FleetProcess: Sendable {
    /// Its place in the fleet, from 0.
    public let index: Int
    /// Its `--owner`: how the lock table and other processes name it.
    public let owner: String
    /// What sets it apart.
    public let options: FleetProcessOptions
    /// When it was started, in wall-clock nanoseconds.
    public let startedNS: Int64

    private let process: Process
    private let output: OutputBuffer

    /// Variables of the harness's environment the process does not get: a store named
    /// elsewhere than `--database-url`, a TTL override, a shell job's own variables.
    static let removedVariables: Set<String> = [
        "JOBKIT_DATABASE_URL", "DB_MUTEX_TTL_SECONDS", "JOBKIT_JOB", "JOBKIT_TICK", "JOBKIT_LOCK_ID", "JOBKIT_LOCK_TOKEN",
    ]

    init(index: Int, owner: String, options: FleetProcessOptions, executable: URL, arguments: [String], directory: URL) throws {
        self.index = index
        self.owner = owner
        self.options = options
        output = OutputBuffer(index: index, owner: owner)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.filter { !Self.removedVariables.contains($0.key) }
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        startedNS = FleetTime.nowNS()
        try process.run()
        for handle in [stdout.fileHandleForReading, stderr.fileHandleForReading] {
            Thread.detachNewThread { [output] in output.read(handle) }
        }
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Every event it printed so far, in order.
    public var events: [FleetEvent] { output.withLock { $0.events } }

    /// Lines that were not JSON events (stderr, crash reports).
    public var otherLines: [String] { output.withLock { $0.otherLines } }

    /// Its events named `name`.
    public func events(_ name: String) -> [FleetEvent] { events.filter { $0.name == name } }

    /// Whether it is still running (a stopped process counts as running).
    public var isRunning: Bool { process.isRunning }

    /// Whether it has exited and both its streams are read to their end.
    public var isFinished: Bool { !process.isRunning && output.withLock { $0.openStreams == 0 } }

    /// Its exit status once it has exited: the code, or 128 + the signal that killed it.
    public var exitStatus: Int32? {
        guard !process.isRunning else { return nil }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Sends it `signal` (SIGTERM, SIGKILL, SIGSTOP, SIGCONT, …).
    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// What the reader threads collected.
    private final class OutputBuffer: Sendable {
        struct Contents {
            var events: [FleetEvent] = []
            var otherLines: [String] = []
            var openStreams = 2
        }

        private let contents = Mutex(Contents())
        private let index: Int
        private let owner: String

        init(index: Int, owner: String) {
            self.index = index
            self.owner = owner
        }

        func withLock<T>(_ body: (inout Contents) -> T) -> T { contents.withLock { body(&$0) } }

        /// Reads `handle` to its end, line by line.
        func read(_ handle: FileHandle) {
            let descriptor = handle.fileDescriptor
            let size = 64 * 1024
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 1)
            defer { buffer.deallocate() }
            var pending = Data()
            while true {
                let count = Foundation.read(descriptor, buffer, size)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                pending.append(Data(bytes: buffer, count: count))
                var lines: [Data] = []
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(pending[pending.startIndex..<newline])
                    pending.removeSubrange(pending.startIndex...newline)
                }
                take(lines)
            }
            take(pending.isEmpty ? [] : [pending])
            try? handle.close()
            withLock { $0.openStreams -= 1 }
        }

        private func take(_ lines: [Data]) {
            guard !lines.isEmpty else { return }
            let now = FleetTime.nowNS()
            let decoder = JSONDecoder()
            var events: [FleetEvent] = []
            var other: [String] = []
            for line in lines {
                if let fields = try? decoder.decode([String: FleetValue].self, from: line), fields["event"] != nil {
                    events.append(FleetEvent(process: index, owner: owner, receivedNS: now, fields: fields))
                } else {
                    other.append(String(decoding: line, as: UTF8.self))
                }
            }
            withLock { contents in
                contents.events += events
                contents.otherLines += other
            }
        }
    }
}
