import Foundation
import JobKit
@testable import JobKitCLI
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ShellCommandTests {
    @Test func exitZeroSucceeds() async throws {
        let result = try await ShellTest.command(try ShellParameters(command: ["true"])).run()
        #expect(result.exitCode == 0)
        #expect(result.signal == nil)
        #expect(result.succeeded)
        #expect(!result.timedOut && !result.cancelled && !result.terminatedLeftoverProcesses)
        #expect(result.description == "exit status 0")
    }

    @Test func nonZeroExitFailsWithTheStatusAndTheLastLinesOfStderr() async throws {
        let result = try await ShellTest.script("echo progress; echo first >&2; echo 'pg_dump: failed' >&2; exit 3").run()
        #expect(result.exitCode == 3)
        #expect(!result.succeeded)
        #expect(result.stdoutTail.lines == ["progress"])
        #expect(result.stderrTail.lines == ["first", "pg_dump: failed"])
        #expect(result.description == "exit status 3; stderr: first\npg_dump: failed")
    }

    @Test func describesStdoutWhenStderrIsEmpty() async throws {
        let result = try await ShellTest.script("echo only stdout; exit 1").run()
        #expect(result.description == "exit status 1; stdout: only stdout")
    }

    @Test func describesTheSignalThatEndedTheCommand() async throws {
        let result = try await ShellTest.script("kill -KILL $$").run()
        #expect(result.exitCode == nil)
        #expect(result.signal == SIGKILL)
        #expect(!result.succeeded)
        #expect(result.description == "killed by signal 9 (SIGKILL)")
    }

    @Test func passesArgumentsVerbatimWithoutAShell() async throws {
        let arguments = ["a b", #""q""#, "it's", "$HOME", "*", "", #"back\slash"#, "; rm -rf /", "ünïcødé"]
        let result = try await ShellTest.command(try ShellParameters(command: ["printf", #"%s\n"#] + arguments)).run()
        #expect(result.exitCode == 0)
        #expect(result.stdoutTail.lines == arguments)
    }

    @Test func runsAPipelineThroughTheShell() async throws {
        let result = try await ShellTest.script("printf 'b\\na\\nc\\n' | sort | tr '\\n' ' '; echo").run()
        #expect(result.stdoutTail.lines == ["a b c "])
        #expect(result.succeeded)
    }

    @Test func passesEnvAndTheJobKitVariables() async throws {
        let parameters = try ShellParameters(command: ["env"], env: ["GREETING": "hello world", "OVERRIDDEN": "new"])
        let tick = Date(timeIntervalSince1970: 1_795_000_000.25)
        let inherited = ShellTest.environment.merging([
            "INHERITED": "kept", "OVERRIDDEN": "old", "JOBKIT_JOB": "stale", "JOBKIT_TICK": "stale",
        ]) { $1 }
        let command = ShellCommand(
            parameters: parameters, jobName: "nightly report", tick: tick, lockID: "jobkit:nightly",
            lockToken: 9_007_199_254_740_993, inheritedEnvironment: inherited
        )
        let result = try await command.run()
        var seen: [String: String] = [:]
        for line in result.stdoutTail.lines {
            guard let equals = line.firstIndex(of: "=") else { continue }
            seen[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        #expect(seen["GREETING"] == "hello world")
        #expect(seen["INHERITED"] == "kept")
        #expect(seen["OVERRIDDEN"] == "new")
        #expect(seen["JOBKIT_JOB"] == "nightly report")
        #expect(seen["JOBKIT_TICK"] == "2026-11-18T11:06:40.250Z")
        #expect(seen["JOBKIT_TICK"] == tick.jobKitTimestamp)
        #expect(seen["JOBKIT_LOCK_ID"] == "jobkit:nightly")
        #expect(seen["JOBKIT_LOCK_TOKEN"] == "9007199254740993")
    }

    @Test func leavesTheTickUnsetWithoutATick() async throws {
        let inherited = ShellTest.environment.merging(["JOBKIT_TICK": "stale"]) { $1 }
        let command = ShellTest.command(try ShellParameters(command: ["env"]), inherited: inherited)
        let result = try await command.run()
        #expect(!result.stdoutTail.lines.contains { $0.hasPrefix("JOBKIT_TICK=") })
        #expect(result.stdoutTail.lines.contains("JOBKIT_JOB=shell-test"))
    }

    @Test func runsInTheWorkingDirectoryAndFindsRelativeProgramsThere() async throws {
        let directory = try TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory.path("marker"), contents: Data())
        let script = directory.path("run.sh")
        try "#!/bin/sh\nls\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)

        let listed = try await ShellTest.command(try ShellParameters(command: ["ls"], cwd: directory.url.path)).run()
        #expect(listed.stdoutTail.lines == ["marker", "run.sh"])
        let relative = try await ShellTest.command(try ShellParameters(command: ["./run.sh"], cwd: directory.url.path)).run()
        #expect(relative.stdoutTail.lines == ["marker", "run.sh"])
    }

    @Test func aMissingWorkingDirectoryIsAClearError() async throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path("nope")
        let error = await #expect(throws: ShellCommandError.self) {
            try await ShellTest.command(try ShellParameters(command: ["ls"], cwd: missing)).run()
        }
        #expect(error?.code == .workingDirectoryNotFound)
        #expect(error?.description == "Cannot run \"ls\": the working directory \(missing) does not exist.")
    }

    @Test func aWorkingDirectoryThatIsAFileIsAClearError() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("file")
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        let error = await #expect(throws: ShellCommandError.self) {
            try await ShellTest.command(try ShellParameters(command: ["ls"], cwd: file)).run()
        }
        #expect(error?.description == "Cannot run \"ls\": the working directory \(file) is not a directory.")
    }

    @Test func aCommandNotInPathIsAClearErrorNamingIt() async throws {
        let error = await #expect(throws: ShellCommandError.self) {
            try await ShellTest.command(try ShellParameters(command: ["jobkit-no-such-command", "--flag"])).run()
        }
        #expect(error?.code == .commandNotFound)
        #expect(error?.description
            == "Cannot run \"jobkit-no-such-command\": command not found in PATH (/usr/local/bin:/usr/bin:/bin).")
    }

    @Test func aMissingPathIsAClearError() async throws {
        let error = await #expect(throws: ShellCommandError.self) {
            try await ShellTest.command(try ShellParameters(command: ["/nonexistent/jobkit-tool"])).run()
        }
        #expect(error?.code == .commandNotFound)
        #expect(error?.description == "Cannot run \"/nonexistent/jobkit-tool\": /nonexistent/jobkit-tool does not exist.")
    }

    @Test func aFileWithoutExecutePermissionIsAClearError() async throws {
        let directory = try TemporaryDirectory()
        let script = directory.path("backup.sh")
        try "#!/bin/sh\ntrue\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o644)
        let error = await #expect(throws: ShellCommandError.self) {
            try await ShellTest.command(try ShellParameters(command: [script])).run()
        }
        #expect(error?.code == .notExecutable)
        #expect(error?.description == "Cannot run \"\(script)\": \(script) is not executable; give it execute permission (chmod +x) or run it through its interpreter.")

        // Found through PATH, the same.
        let viaPath = ShellCommand(arguments: ["backup.sh"], environment: ["PATH": directory.url.path])
        let found = await #expect(throws: ShellCommandError.self) { try await viaPath.run() }
        #expect(found?.code == .notExecutable)
        #expect(found?.path == script)
    }

    @Test func aMissingInterpreterIsAClearError() async throws {
        let directory = try TemporaryDirectory()
        let script = directory.path("tool")
        try "#!/nonexistent/interpreter\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let error = await #expect(throws: ShellCommandError.self) {
            try await ShellTest.command(try ShellParameters(command: [script])).run()
        }
        #expect(error?.description == "Cannot run \"\(script)\": the interpreter named on the #! line of \(script) does not exist.")
    }

    @Test func aDirectoryIsNotAProgram() async throws {
        let error = await #expect(throws: ShellCommandError.self) {
            try await ShellTest.command(try ShellParameters(command: ["/tmp"])).run()
        }
        #expect(error?.description == "Cannot run \"/tmp\": /tmp is a directory, not a program.")
    }

    @Test func theChildGetsDefaultSignalsAndNoStrayDescriptors() async throws {
        // The test process ignores SIGPIPE (as servers do); the job must not inherit that.
        signal(SIGPIPE, SIG_IGN)
        let extra = open("/dev/null", O_RDONLY)  // not close-on-exec
        defer { close(extra) }
        let result = try await ShellTest.script("grep -E '^(SigIgn|SigBlk)' /proc/self/status; ls /proc/self/fd").run()
        func mask(_ name: String) -> UInt64? {
            result.stdoutTail.lines.first { $0.hasPrefix(name + ":\t") }
                .flatMap { UInt64($0.dropFirst(name.count + 2), radix: 16) }
        }
        // Signals 1 to 31; glibc itself keeps its two internal signals (32, 33) ignored.
        let standard: UInt64 = 0x7FFF_FFFF
        #expect(mask("SigIgn").map { $0 & standard } == 0)
        #expect(mask("SigBlk") == 0)
        // ls sees 0, 1, 2 and the descriptor it opened to list the directory.
        let descriptors = result.stdoutTail.lines.compactMap { Int32($0) }.filter { $0 >= 3 }
        #expect(descriptors.count == 1)
    }

    @Test func stdinIsEmpty() async throws {
        let result = try await ShellTest.command(try ShellParameters(command: ["wc", "-c"])).run()
        #expect(result.stdoutTail.lines.map { $0.trimmingCharacters(in: .whitespaces) } == ["0"])
    }

    @Test func theChildLeadsANewProcessGroup() async throws {
        // Field 5 of /proc/PID/stat is the process group ("sh" has no space to shift it).
        let result = try await ShellTest.script("echo $$; cut -d ' ' -f 5 /proc/$$/stat").run()
        let numbers = result.stdoutTail.lines.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        #expect(numbers.count == 2)
        #expect(numbers.first == numbers.last)
        #expect(numbers.first != Int(getpgrp()))
    }

    @Test func cancellationBeforeTheStartThrowsAndStartsNothing() async throws {
        let directory = try TemporaryDirectory()
        let marker = directory.path("started")
        let command = try ShellTest.script("touch '\(marker)'")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await command.run()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
