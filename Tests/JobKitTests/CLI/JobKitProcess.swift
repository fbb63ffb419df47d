import Foundation
import Testing

/// The real `jobkit` executable, started by a test as a child process.
///
/// Its stdout and stderr are read to their end on threads of their own (blocking `read`, off
/// Swift's cooperative pool). Tests wait on what it printed with deadlines, never for a fixed
/// time. The child's environment is the test's without the variables that would change what
/// `jobkit` does (`JOBKIT_DATABASE_URL`, `DB_MUTEX_TTL_SECONDS`, the shell job's own), so a
/// test names its store itself.
final class JobKitProcess: Sendable {
    private let process: Process
    private let output = CLIOutput()

    /// Starts `jobkit ARGUMENTS`, in `workingDirectory` when given, with `environment` added.
    init(_ arguments: [String], workingDirectory: String? = nil, environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.environment = ProcessInfo.processInfo.environment.filter { !Self.removedVariables.contains($0.key) }
            .merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        Self.read(stdout.fileHandleForReading, as: .stdout, into: output)
        Self.read(stderr.fileHandleForReading, as: .stderr, into: output)
    }

    /// Runs `jobkit ARGUMENTS` to its end and returns its exit status and output.
    static func run(
        _ arguments: [String], workingDirectory: String? = nil, environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> JobKitProcess {
        let process = try JobKitProcess(arguments, workingDirectory: workingDirectory, environment: environment)
        _ = try await process.waitForExit(timeout: timeout)
        return process
    }

    /// Variables of the test's environment the child does not get.
    static let removedVariables: Set<String> = [
        "JOBKIT_DATABASE_URL", "DB_MUTEX_TTL_SECONDS", "JOBKIT_JOB", "JOBKIT_TICK", "JOBKIT_LOCK_ID", "JOBKIT_LOCK_TOKEN",
    ]

    /// The `jobkit` binary, built next to the test bundle (the test target depends on it).
    static let executable: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let directory = bundle.deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("jobkit")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: TestDatabase.packageRoot + "/.build/debug/jobkit")
    }()

    /// The lines printed on stdout so far.
    var stdoutLines: [String] { output.stdoutLines }

    /// Everything printed on stderr so far.
    var stderr: String { output.stderr }

    /// Stdout and stderr together, for looking for what must appear nowhere.
    var allOutput: String { stdoutLines.joined(separator: "\n") + "\n" + stderr }

    /// The stdout lines that parse as JSON objects, in order.
    var events: [CLIEvent] { stdoutLines.compactMap { try? CLIEvent(line: $0) } }

    /// Every stdout line parsed; throws at the first that is not a JSON object.
    func parsedLines() throws -> [CLIEvent] {
        try stdoutLines.map { line in
            do {
                return try CLIEvent(line: line)
            } catch {
                throw NotJSON(line: line)
            }
        }
    }

    /// The events named `name`, in order.
    func events(_ name: String) -> [CLIEvent] { events.filter { $0.name == name } }

    /// Waits for the first event named `name` that `matches`.
    @discardableResult
    func waitForEvent(
        _ name: String, timeout: Duration = .seconds(60), where matches: (CLIEvent) -> Bool = { _ in true }
    ) async throws -> CLIEvent {
        try await waitUntil(timeout: timeout, "a \(name) event from jobkit; it printed:\n\(stdoutLines.joined(separator: "\n"))") {
            events.first { $0.name == name && matches($0) }
        }
    }

    /// Whether the process is still running.
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the process.
    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits until the process has exited and both its streams are read to their end;
    /// returns its exit status (128 + the signal when a signal ended it).
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await waitUntil(timeout: timeout, "jobkit to exit and close its output") {
            guard !process.isRunning, output.isComplete else { return nil }
            return process.terminationReason == .uncaughtSignal
                ? 128 + process.terminationStatus : process.terminationStatus
        }
    }

    deinit {
        // Only a failed test gets here with the process alive: do not leave a scheduler behind.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Reads `handle` to its end on a thread of its own.
    private static func read(_ handle: FileHandle, as stream: CLIOutput.Stream, into output: CLIOutput) {
        Thread.detachNewThread {
            let descriptor = handle.fileDescriptor
            let size = 64 * 1024
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 1)
            defer { buffer.deallocate() }
            while true {
                let count = Foundation.read(descriptor, buffer, size)
                if count > 0 {
                    output.append(Data(bytes: buffer, count: count), from: stream)
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            output.end(stream)
            try? handle.close()
        }
    }

    /// A stdout line that is not a JSON object.
    struct NotJSON: Error, CustomStringConvertible {
        let line: String
        var description: String { "jobkit printed a line that is not a JSON object: \(line)" }
    }
}
