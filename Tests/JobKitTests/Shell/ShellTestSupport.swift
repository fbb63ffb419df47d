import Foundation
@testable import JobKitCLI
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the shell runner's tests: commands built the way a job builds them, and
/// checks on processes the commands leave behind.
enum ShellTest {
    /// An environment with a plain PATH and nothing else, so tests do not depend on the
    /// environment the test runner happens to have.
    static let environment = ["PATH": "/usr/local/bin:/usr/bin:/bin"]

    /// A command for `parameters` with fixed JobKit variables.
    static func command(
        _ parameters: ShellParameters,
        inherited: [String: String] = environment
    ) -> ShellCommand {
        ShellCommand(
            parameters: parameters, jobName: "shell-test", tick: nil, lockID: "shell-test",
            lockToken: 1, inheritedEnvironment: inherited
        )
    }

    /// A command running `script` through `/bin/sh`.
    static func script(_ script: String, timeout: Duration? = nil, cwd: String? = nil) throws -> ShellCommand {
        command(try ShellParameters(command: [script], shell: true, cwd: cwd, timeout: timeout))
    }

    /// Whether `pid` is gone: no such process, or a zombie (a dead process nobody reaped yet;
    /// PID 1 of some containers, this one included, never reaps orphans).
    static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) == -1, errno == ESRCH { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].drop(while: { $0 == " " }).first
        return state == "Z" || state == "X"
    }

    /// Waits until `pid` is gone, failing after `timeout`.
    static func waitUntilGone(_ pid: pid_t, timeout: Duration = .seconds(60)) async throws {
        _ = try await waitUntil(timeout: timeout, "process \(pid) to be gone") { isGone(pid) ? true : nil }
    }

    /// The pid a script wrote to `path`, once it is there.
    static func pid(in path: String, timeout: Duration = .seconds(60)) async throws -> pid_t {
        try await waitUntil(timeout: timeout, "a pid in \(path)") { readPID(path) }
    }

    /// The pid in `path`, or nil when the file is absent or not yet complete.
    static func readPID(_ path: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Kills a process a failed test may have left behind.
    static func cleanUp(_ pid: pid_t?) {
        if let pid, !isGone(pid) { kill(pid, SIGKILL) }
    }

    /// Runs `body`, failing instead of hanging when it takes longer than `timeout`.
    static func withDeadline<T: Sendable>(
        _ timeout: Duration = .seconds(120),
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw WaitTimedOut(what: "the command to finish", timeout: timeout)
            }
            return value
        }
    }

    /// The lines of `text` without the final line break.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
