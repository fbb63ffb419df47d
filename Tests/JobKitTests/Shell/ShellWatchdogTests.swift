import Foundation
@testable import JobKitCLI
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One watchdog process guards every running shell job of a process, and one that died is
/// replaced at the next job's start. (What it does when the scheduler dies is shown with a real
/// `kill -9` in ``CLI/ShellDescendantWatchdogTests`` and the fleet tests.)
@Suite(.serialized) struct ShellWatchdogTests {
    /// Starts `count` commands that each write their pid to a file and then sleep, and waits
    /// until all of them run.
    private func sleepers(_ count: Int, in directory: TemporaryDirectory) async throws -> [Task<ShellResult, any Error>] {
        var tasks: [Task<ShellResult, any Error>] = []
        for index in 0..<count {
            let pidfile = directory.path("sleeper-\(index)")
            let command = try ShellTest.script("echo $$ > '\(pidfile).tmp'; mv '\(pidfile).tmp' '\(pidfile)'; exec sleep 300")
            tasks.append(Task { try await command.run() })
            _ = try await ShellTest.pid(in: pidfile)
        }
        return tasks
    }

    @Test func runningJobsShareOneWatchdogAndADeadOneIsReplaced() async throws {
        let directory = try TemporaryDirectory()
        let running = try await sleepers(2, in: directory)
        let watchdog = ShellWatchdog.shared.pid
        #expect(watchdog > 0)
        let name = try String(contentsOfFile: "/proc/\(watchdog)/cmdline", encoding: .utf8)
        #expect(name.hasPrefix("jobkit-watchdog") || name.contains("awk"), "\(name)")
        let third = try await sleepers(1, in: TemporaryDirectory())
        #expect(ShellWatchdog.shared.pid == watchdog, "a third job joins the same watchdog")

        kill(watchdog, SIGKILL)
        let next = try ShellTest.script("true")
        #expect(try await next.run().succeeded)
        #expect(ShellWatchdog.shared.pid != watchdog && ShellWatchdog.shared.pid > 0, "a new watchdog at the next start")
        #expect(ShellTest.isGone(watchdog))

        for task in running + third { task.cancel() }
        for task in running + third { #expect(try await ShellTest.withDeadline { try await task.value }.cancelled) }
    }

    /// The watchdog's own script, fed by hand: at the end of its input it ends every group
    /// still listed, and the processes that left one carrying its marker, and spares a group
    /// whose job ended.
    @Test func atTheEndOfItsInputTheWatchdogEndsEveryGroupStillListed() async throws {
        let directory = try TemporaryDirectory()
        /// A `sleep` in a group (and session) of its own, whose id is its pid.
        func start(_ name: String, marker: String? = nil) async throws -> pid_t {
            let pidfile = directory.path(name)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "setsid sh -c 'echo $$ > \"$0.tmp\"; mv \"$0.tmp\" \"$0\"; exec sleep 300' '\(pidfile)' &"]
            var environment = ShellTest.environment
            environment["JOBKIT_RUN"] = marker
            process.environment = environment
            try process.run()
            return try await ShellTest.pid(in: pidfile)
        }
        let strayMarker = ShellDescendants.newMarker()
        var groups: [pid_t] = []
        for name in ["first", "second", "ended"] { groups.append(try await start(name)) }
        groups.append(try await start("stray", marker: strayMarker))
        defer { for pid in groups { ShellTest.cleanUp(pid) } }

        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = ["-c", ShellWatchdog.script]
        let input = Pipe()
        watchdog.standardInput = input
        try watchdog.run()
        let lines = "+ \(groups[0]) \(ShellDescendants.newMarker())\n+ \(groups[1]) \(strayMarker)\n"
            + "+ \(groups[2]) m-ended\n- \(groups[2]) m-ended\n"
        input.fileHandleForWriting.write(Data(lines.utf8))
        try input.fileHandleForWriting.close()

        for pid in [groups[0], groups[1], groups[3]] { try await ShellTest.waitUntilGone(pid) }
        #expect(!ShellTest.isGone(groups[2]), "a group whose job ended is left alone")
    }
}
