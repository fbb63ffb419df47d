import Foundation
import JobKit
@testable import JobKitCLI
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Processes a job leaves behind outside its process group (a `setsid` daemon, a double
/// fork) end with the job, and with its scheduler when that dies; a daemon holding the job's
/// pipes does not hold the run until the drain grace.
@Suite struct ShellDescendantTests {
    /// A script line that starts `sleep 300` as a daemon in a session of its own (so a signal
    /// to the job's group misses it), writes the daemon's pid to `pidfile`, and waits for it.
    private static func daemon(_ pidfile: String, redirect: String = "") -> String {
        "setsid sh -c 'echo $$ > \"$0.tmp\"; mv \"$0.tmp\" \"$0\"; exec sleep 300' '\(pidfile)' \(redirect) & "
            + "while [ ! -e '\(pidfile)' ]; do sleep 0.01; done"
    }

    @Test func aSetsidDaemonHoldingTheJobsOutputEndsWithTheJob() async throws {
        let directory = try TemporaryDirectory()
        let pidfile = directory.path("daemon.pid")
        var command = try ShellTest.script(Self.daemon(pidfile) + "; echo done")
        // Were the daemon left to hold stdout, the run would last this drain grace.
        command.terminationGrace = .seconds(60)
        let result = try await ShellTest.withDeadline { [command] in try await command.run() }
        let daemon = try #require(ShellTest.readPID(pidfile))
        defer { ShellTest.cleanUp(daemon) }
        #expect(result.succeeded, "\(result)")
        #expect(result.stdoutTail.lines == ["done"])
        #expect(result.duration < .seconds(30), "the daemon did not hold the pipes until the grace: \(result.duration)")
        try await ShellTest.waitUntilGone(daemon)
    }

    @Test func aDoubleForkedDaemonInItsOwnSessionEndsWithTheJob() async throws {
        let directory = try TemporaryDirectory()
        let pidfile = directory.path("daemon.pid")
        // ( … & ): the daemon's parent exits at once, so it is an orphan, not a child.
        let command = try ShellTest.script("(" + Self.daemon(pidfile, redirect: ">/dev/null 2>&1 </dev/null") + ") ; true")
        let result = try await ShellTest.withDeadline { [command] in try await command.run() }
        let daemon = try #require(ShellTest.readPID(pidfile))
        defer { ShellTest.cleanUp(daemon) }
        #expect(result.succeeded, "\(result)")
        try await ShellTest.waitUntilGone(daemon)
    }

    /// A job that outlives its time limit: the limit ends its group, and the daemon that left
    /// the group ends with it. The limit grows until a run started its daemon before it
    /// struck, so a slow machine only makes the test take longer.
    @Test func aSetsidDaemonEndsWhenItsJobTimesOut() async throws {
        var timeout: Duration = .milliseconds(500)
        for _ in 0..<5 {
            let directory = try TemporaryDirectory()
            let pidfile = directory.path("daemon.pid")
            let command = try ShellTest.script(
                Self.daemon(pidfile, redirect: ">/dev/null 2>&1 </dev/null") + "; sleep 300", timeout: timeout
            )
            let result = try await ShellTest.withDeadline { [command] in try await command.run() }
            if let daemon = ShellTest.readPID(pidfile) {
                defer { ShellTest.cleanUp(daemon) }
                #expect(result.timedOut, "\(result)")
                try await ShellTest.waitUntilGone(daemon)
                return
            }
            timeout *= 4
        }
        Issue.record("no run started its daemon before its time limit, up to \(timeout / 4)")
    }

    /// Runs that end together share one sweep of `/proc`: each is found by its own marker,
    /// and a process of another run, or of none, is left alone.
    @Test func oneSweepEndsTheLeftoversOfEveryRunThatEndedAndNoOtherProcess() async throws {
        let markers = (0..<3).map { _ in ShellDescendants.newMarker() }
        func sleeper(_ marker: String?) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sleep")
            process.arguments = ["300"]
            var environment = ShellTest.environment
            environment["JOBKIT_RUN"] = marker
            process.environment = environment
            try process.run()
            return process
        }
        let ended = try markers.prefix(2).map(sleeper)
        let otherRun = try sleeper(markers[2])
        let noRun = try sleeper(nil)
        defer { for process in ended + [otherRun, noRun] { ShellTest.cleanUp(process.processIdentifier) } }

        let found = ShellDescendants.find(markers: Set(markers))
        #expect(found == Dictionary(uniqueKeysWithValues: zip(markers, (ended + [otherRun]).map { [$0.processIdentifier] })))
        // A short grace: a child of the test runner may inherit a blocked SIGTERM, and SIGKILL follows.
        for marker in markers.prefix(2) { ShellDescendants.terminateSoon(marker: marker, grace: .milliseconds(200)) }
        for process in ended { try await ShellTest.waitUntilGone(process.processIdentifier) }
        #expect(otherRun.isRunning && noRun.isRunning)
    }

    @Test func theRunMarkerIsUniquePerRunAndReplacesAnInheritedOne() throws {
        let first = ShellDescendants.newMarker()
        let second = ShellDescendants.newMarker()
        #expect(first != second)
        let command = ShellTest.command(
            try ShellParameters(command: ["true"]), inherited: ShellTest.environment.merging(["JOBKIT_RUN": "outer"]) { $1 }
        )
        #expect(command.environment["JOBKIT_RUN"] == nil, "a nested scheduler's jobs get a marker of their own")
    }
}

extension CLI {
    /// `kill -9` of the scheduler: its watchdog ends the job's group and the daemon that left it.
    @Suite struct ShellDescendantWatchdogTests {
        @Test func aSetsidDaemonEndsWhenItsSchedulerIsKilled() async throws {
            let directory = try TemporaryDirectory()
            let pidfile = directory.path("daemon.pid")
            let script = "setsid sh -c 'echo $$ > \"$0.tmp\"; mv \"$0.tmp\" \"$0\"; exec sleep 300' '\(pidfile)' "
                + ">/dev/null 2>&1 </dev/null & sleep 300"
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("daemon-maker", every: "1s", script: script, in: directory),
            ])
            let scheduler = try JobKitProcess(["run", config])
            let daemon = try await ShellTest.pid(in: pidfile)
            defer { ShellTest.cleanUp(daemon) }
            scheduler.signal(SIGKILL)
            _ = try await scheduler.waitForExit()
            try await ShellTest.waitUntilGone(daemon)
        }
    }
}
