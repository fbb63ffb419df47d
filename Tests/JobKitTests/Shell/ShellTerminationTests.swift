import Foundation
import JobKit
@testable import JobKitCLI
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The job is its process group: a timeout, a cancellation or an exit that leaves processes
/// behind terminates the whole group, proven by a grandchild the script starts.
///
/// No test depends on the machine's speed: time limits are short against commands that would
/// run for minutes, results are only checked to have come early, and every wait has a
/// generous deadline.
@Suite struct ShellTerminationTests {
    /// Starts `sleep 300` in the background and writes its pid to `pidfile`, then `rest`.
    private static func grandchildScript(_ pidfile: String, then rest: String = "wait") -> String {
        "sleep 300 & echo $! > '\(pidfile).tmp'; mv '\(pidfile).tmp' '\(pidfile)'; \(rest)"
    }

    /// Runs a script under a time limit until a run got as far as starting its grandchild
    /// before the limit struck, lengthening the limit each time, so that a slow machine only
    /// makes the test take longer.
    private func runUntilGrandchildStarted(
        prefix: String = "", grace: Duration = .seconds(2)
    ) async throws -> (ShellResult, pid_t) {
        var timeout: Duration = .milliseconds(500)
        for _ in 0..<5 {
            let directory = try TemporaryDirectory()
            let pidfile = directory.path("grandchild")
            var command = try ShellTest.script(prefix + Self.grandchildScript(pidfile), timeout: timeout)
            command.terminationGrace = grace
            let result = try await ShellTest.withDeadline { [command] in try await command.run() }
            if let pid = ShellTest.readPID(pidfile) { return (result, pid) }
            timeout *= 4
        }
        throw WaitTimedOut(what: "a run that started its grandchild in time", timeout: timeout)
    }

    @Test func aTimeoutTerminatesTheWholeGroup() async throws {
        let (result, grandchild) = try await runUntilGrandchildStarted()
        defer { ShellTest.cleanUp(grandchild) }
        #expect(result.timedOut)
        #expect(!result.cancelled)
        #expect(!result.succeeded)
        #expect(result.signal == SIGTERM)
        #expect(result.duration < .seconds(120))  // far less than the 300 s the script would take
        #expect(result.description.hasPrefix("timed out after "))
        #expect(result.description.hasSuffix(" and was terminated: killed by signal 15 (SIGTERM)"))
        try await ShellTest.waitUntilGone(grandchild)
    }

    @Test func aGroupIgnoringSIGTERMIsKilledAfterTheGrace() async throws {
        // The ignored SIGTERM is inherited by the grandchild too.
        let (result, grandchild) = try await runUntilGrandchildStarted(prefix: "trap '' TERM; ", grace: .milliseconds(300))
        defer { ShellTest.cleanUp(grandchild) }
        #expect(result.timedOut)
        #expect(result.signal == SIGKILL)
        try await ShellTest.waitUntilGone(grandchild)
    }

    @Test func aCommandThatExitsZeroOnSIGTERMStillFailsByTimeout() async throws {
        let (result, grandchild) = try await runUntilGrandchildStarted(prefix: "trap 'exit 0' TERM; ")
        defer { ShellTest.cleanUp(grandchild) }
        #expect(result.timedOut)
        #expect(result.exitCode == 0)
        #expect(!result.succeeded)
        #expect(result.description.hasSuffix(" and was terminated: exit status 0"))
        try await ShellTest.waitUntilGone(grandchild)
    }

    @Test func cancellationTerminatesTheWholeGroup() async throws {
        let directory = try TemporaryDirectory()
        let pidfile = directory.path("grandchild")
        let stdoutLine = "started"
        let command = try ShellTest.script("echo \(stdoutLine); " + Self.grandchildScript(pidfile))
        let task = Task { try await command.run() }
        let grandchild = try await ShellTest.pid(in: pidfile)
        defer { ShellTest.cleanUp(grandchild) }
        #expect(!ShellTest.isGone(grandchild))

        task.cancel()
        let result = try await ShellTest.withDeadline { try await task.value }
        #expect(result.cancelled)
        #expect(!result.timedOut)
        #expect(!result.succeeded)
        #expect(result.signal == SIGTERM)
        #expect(result.stdoutTail.lines == [stdoutLine])
        #expect(result.description == "cancelled and terminated: killed by signal 15 (SIGTERM); stdout: started")
        try await ShellTest.waitUntilGone(grandchild)
    }

    @Test func processesLeftRunningAreTerminatedBeforeRunReturns() async throws {
        // The grandchild keeps the stdout pipe open: Foundation's Process would wait for it.
        let directory = try TemporaryDirectory()
        let pidfile = directory.path("grandchild")
        var command = try ShellTest.script(Self.grandchildScript(pidfile, then: "exit 0"))
        command.terminationGrace = .seconds(5)
        let result = try await ShellTest.withDeadline { [command] in try await command.run() }
        let grandchild = try #require(ShellTest.readPID(pidfile))
        defer { ShellTest.cleanUp(grandchild) }
        #expect(result.exitCode == 0)
        #expect(result.succeeded)
        #expect(result.terminatedLeftoverProcesses)
        #expect(result.description == "exit status 0; processes it left running in its process group were terminated")
        // run() returns once no live process is left in the group.
        #expect(ShellTest.isGone(grandchild))
    }

    @Test func aProcessThatLeftTheGroupCannotHoldTheRunOpen() async throws {
        // setsid puts the grandchild in a session of its own, out of reach of the group
        // signals; it still holds the output pipes. It is ended with the run (it carries the
        // run's JOBKIT_RUN marker), and the pipes are given up after the grace at the latest.
        let directory = try TemporaryDirectory()
        let pidfile = directory.path("escaped")
        var command = try ShellTest.script(
            "setsid sleep 300 & echo $! > '\(pidfile).tmp'; mv '\(pidfile).tmp' '\(pidfile)'; echo done"
        )
        command.terminationGrace = .milliseconds(200)
        let result = try await ShellTest.withDeadline { [command] in try await command.run() }
        let escaped = try #require(ShellTest.readPID(pidfile))
        defer { ShellTest.cleanUp(escaped) }
        #expect(result.exitCode == 0)
        #expect(!result.terminatedLeftoverProcesses)
        #expect(result.stdoutTail.lines == ["done"])
        try await ShellTest.waitUntilGone(escaped)
    }

    @Test func aHugeTimeoutIsNoLimit() async throws {
        let command = try ShellTest.script("echo fine", timeout: DurationText.maximum)
        let result = try await command.run()
        #expect(result.succeeded)
        #expect(result.timeout == DurationText.maximum)
    }
}
