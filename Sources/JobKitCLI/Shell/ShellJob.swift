import Logging
import Foundation
import JobKit

/// The built-in `shell` job type: runs a command under the job's lock.
///
/// Its `parameters` are ``ShellParameters``: `command` (an argv array, run without a shell
/// unless `"shell": true`), `env`, `cwd`, `timeout`. The child also gets `JOBKIT_JOB`,
/// `JOBKIT_TICK`, `JOBKIT_LOCK_ID` and `JOBKIT_LOCK_TOKEN` (the fencing token, so a script can
/// guard its own writes). It does not inherit `JOBKIT_DATABASE_URL`: the scheduler's database
/// password is not every script's business (a job that needs it sets it in `env`).
/// A non-zero exit, a timeout or a signal fails the job; the `error` field of `job.failed`
/// then holds how it ended and the last lines of stderr (of stdout when stderr is empty).
/// Whatever the outcome, the last lines of each stream are logged as `job.output` events
/// before the outcome event (see ``logOutput(_:logger:)``).
/// On shutdown, lease loss or the scheduler's death (even `kill -9`, see ``ShellCommand/run()``)
/// the command's whole process group is terminated.
public struct ShellJob: NonOverlappingJob, Decodable {
    /// `shell`, as jobs files name it.
    public static var jobTypeName: String { "shell" }

    /// What to run.
    public let parameters: ShellParameters

    /// A shell job with these parameters.
    public init(parameters: ShellParameters) { self.parameters = parameters }

    /// Decodes the `parameters` object of a jobs-file entry.
    public init(from decoder: any Decoder) throws {
        parameters = try ShellParameters(from: decoder)
    }

    /// A shell job stops when its lock is lost: two copies of a script must not run at once.
    public var cancelsOnLeaseLoss: Bool { true }

    /// Runs the command once and fails the job unless it exits 0.
    public func runWorker(context: JobContext) async throws {
        var inherited = ProcessInfo.processInfo.environment
        inherited.removeValue(forKey: LockStoreURL.environmentVariable)
        let command = ShellCommand(
            parameters: parameters, jobName: context.jobName, tick: context.tick,
            lockID: context.lease.lockID, lockToken: context.lease.token, inheritedEnvironment: inherited
        )
        let result = try await command.run()
        Self.logOutput(result, logger: context.logger)
        if result.cancelled { throw CancellationError() }
        guard result.succeeded else { throw ShellJobFailure(result: result) }
    }

    /// Logs the kept tail of each stream as `job.output` events, stdout first: one event per
    /// line at `info`, with `stream` and `line` (the worker's logger adds `job` and the lock).
    /// Bounded per run by ``ShellCommand/tailLineLimit`` lines of each stream, each cut to
    /// ``ShellCommand/tailLineByteLimit`` bytes; when earlier lines were dropped, one more
    /// event says how many.
    static func logOutput(_ result: ShellResult, logger: Logger) {
        for (stream, tail) in [("stdout", result.stdoutTail), ("stderr", result.stderrTail)] where !tail.isEmpty {
            if tail.droppedLineCount > 0 {
                logger.jobEvent(
                    .jobOutput, level: .info,
                    "\(counted(tail.droppedLineCount, "earlier line")) of \(stream) not logged; the last \(counted(tail.lines.count, "line")) follow.",
                    [LogKeys.stream: .string(stream), LogKeys.droppedLines: .number(Int64(tail.droppedLineCount))]
                )
            }
            for line in tail.lines {
                logger.jobEvent(
                    .jobOutput, level: .info, "\(stream): \(line)",
                    [LogKeys.stream: .string(stream), LogKeys.line: .string(line)]
                )
            }
        }
    }
}

/// A shell command that exited non-zero, timed out or was killed by a signal.
public struct ShellJobFailure: Error, Sendable, CustomStringConvertible {
    /// How the command ended, with the last lines of its output.
    public let result: ShellResult

    /// How the command ended and the last lines it wrote.
    public var description: String { result.description }
}
