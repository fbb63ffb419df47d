import Foundation
import Testing

extension CLI {
    /// The built-in `shell` job type as the scheduler runs it.
    @Suite struct ShellJobTests {
        /// The command gets `JOBKIT_JOB`, `JOBKIT_TICK`, `JOBKIT_LOCK_ID` and
        /// `JOBKIT_LOCK_TOKEN`, equal to what `job.started` reports for that run.
        @Test func theCommandGetsTheJobTickLockAndToken() async throws {
            let directory = try TemporaryDirectory()
            let script = #"""
                out="env-$JOBKIT_LOCK_TOKEN"
                printf '%s\n' "$JOBKIT_JOB" "$JOBKIT_TICK" "$JOBKIT_LOCK_ID" "$JOBKIT_LOCK_TOKEN" > "$out.tmp" && mv "$out.tmp" "$out"
                """#
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("show-env", every: "1s", script: script, in: directory, extra: ["lock": "env-lock"]),
            ])
            let scheduler = try JobKitProcess(["run", config])
            let succeeded = try await scheduler.waitForEvent("job.succeeded")
            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0)

            let token = try #require(succeeded.integer("token"))
            let started = try #require(scheduler.events("job.started").first { $0.integer("token") == token })
            let written = try String(contentsOfFile: directory.path("env-\(token)"), encoding: .utf8)
            let values = written.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(values == ["show-env", started["tick"] ?? "no tick", "env-lock", String(token), ""])
            #expect(started["lock_id"] == "env-lock")
        }

        /// A command that exits 3 fails its run: `job.failed`, whose `error` gives the exit
        /// status and the end of stderr.
        @Test func aFailingCommandIsJobFailedWithItsExitStatusAndStderr() async throws {
            let directory = try TemporaryDirectory()
            let script = #"echo "starting the backup"; echo "pg_dump: error: disk full on /var" >&2; exit 3"#
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("backup", every: "1s", script: script, in: directory),
            ])
            let scheduler = try JobKitProcess(["run", config])
            let failed = try await scheduler.waitForEvent("job.failed")
            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0, "a failed job does not stop the scheduler")

            #expect(failed["level"] == "error")
            #expect(failed["job"] == "backup")
            let error = try #require(failed["error"])
            #expect(error.contains("exit status 3"), "\(error)")
            #expect(error.contains("pg_dump: error: disk full on /var"), "\(error)")
            let started = scheduler.events("job.started").first { $0.integer("token") == failed.integer("token") }
            #expect(started?["tick"] == failed["tick"], "the failure is reported for the tick that started")
            #expect(try scheduler.parsedLines().count == scheduler.stdoutLines.count)
        }
    }
}
