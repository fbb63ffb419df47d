import Foundation
import Synchronization
import Testing

/// A `jobkit-probe` child process (or the Django side's `djprobe.py`): a real OS process that takes locks, started by a test.
/// Its stdout is read as JSON lines; tests wait for a line with a deadline.
final class ProbeProcess: Sendable {
    private let process: Process
    private let input: Pipe
    private let buffer = LineBuffer()

    /// Starts `jobkit-probe ARGUMENTS`, or `executable ARGUMENTS`, with the test's environment
    /// plus `environment`.
    init(_ arguments: [String], executable: URL = ProbeProcess.executable, environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        // A blocking read on a thread of its own: libdispatch read sources (readabilityHandler)
        // crashed under the churn of many short-lived pipes.
        let reader = output.fileHandleForReading
        Thread.detachNewThread { [buffer] in
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { return }
                buffer.append(chunk)
            }
        }
        try process.run()
    }

    /// The probe binary, built next to the test bundle.
    static let executable: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let directory = bundle.deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()]
        for candidate in candidates {
            let url = candidate.appendingPathComponent("jobkit-probe")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: TestDatabase.packageRoot + "/.build/debug/jobkit-probe")
    }()

    var processIdentifier: Int32 { process.processIdentifier }

    /// Every JSON line printed so far.
    var output: [[String: any Sendable]] { buffer.lines.withLock { $0 } }

    /// Waits for the first line that `matches`, failing after `timeout`.
    func waitForLine(
        timeout: Duration = .seconds(30),
        where matches: ([String: any Sendable]) -> Bool
    ) async throws -> [String: any Sendable] {
        try await waitUntil(timeout: timeout, "a probe line") {
            output.first(where: matches)
        }
    }

    /// Writes a line to the probe's stdin.
    func send(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// Sends a signal to the probe.
    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the probe to exit and returns its status.
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await waitUntil(timeout: timeout, "the probe to exit") {
            process.isRunning ? nil : process.terminationStatus
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    fileprivate static func sendable(_ value: Any) -> any Sendable {
        switch value {
        case let number as NSNumber: return number.doubleValue == number.doubleValue.rounded()
            ? (number.int64Value as any Sendable) : (number.doubleValue as any Sendable)
        case let string as String: return string
        case let array as [Any]: return array.map { sendable($0) }
        default: return "\(value)"
        }
    }
}

/// The lines a probe printed, filled from its stdout's reader thread.
private final class LineBuffer: Sendable {
    let lines = Mutex<[[String: any Sendable]]>([])
    let partial = Mutex(Data())

    /// Adds what was read; every complete line that is a JSON object becomes a line.
    func append(_ chunk: Data) {
        let complete: [Data] = partial.withLock { buffer in
            buffer.append(chunk)
            var found: [Data] = []
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                found.append(buffer[buffer.startIndex..<newline])
                buffer.removeSubrange(buffer.startIndex...newline)
            }
            return found
        }
        for line in complete {
            if let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] {
                let sendable = object.mapValues { ProbeProcess.sendable($0) }
                lines.withLock { $0.append(sendable) }
            }
        }
    }
}

/// Polls `condition` until it returns a value or `timeout` passes. For conditions that other
/// processes make true; the deadline is generous, so a slow machine only waits longer.
func waitUntil<T>(
    timeout: Duration, _ what: String,
    _ condition: () throws -> T?
) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if let value = try condition() { return value }
        guard clock.now < deadline else { throw WaitTimedOut(what: what, timeout: timeout) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

struct WaitTimedOut: Error, CustomStringConvertible {
    let what: String
    let timeout: Duration
    var description: String { "Waited \(timeout) for \(what), in vain." }
}
