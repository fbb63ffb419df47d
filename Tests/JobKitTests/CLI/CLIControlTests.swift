import Foundation
import Testing

extension CLI {
    /// `jobkit pause`, `status`, `trigger --wait` and `resume` against a running `jobkit run` on
    /// SQLite: the status table shows the pause with its reason, and a triggered run that fails
    /// makes `trigger --wait` exit 1, as `jobkit once` does (the fleet tests on PostgreSQL show
    /// the succeeding case and the fleet-wide behaviour).
    @Suite struct ControlTests {
        @Test func statusShowsThePauseAndTriggerWaitExitsWithAFailedRunsStatus() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("broken", every: "1h", script: "echo 'disk full' >&2; exit 3", in: directory, extra: ["catchup": "none"]),
            ])
            // The store exists before the control commands, which never create one.
            let migrate = try await JobKitProcess.run(["migrate", "--database-url", CLI.databaseURL(in: directory)])
            #expect(try await migrate.waitForExit() == 0, "\(migrate.allOutput)")
            let scheduler = try JobKitProcess(["run", config, "--control-interval", "0.2"])
            try await scheduler.waitForEvent("scheduler.started")

            let pause = try await JobKitProcess.run(["pause", "broken", "--reason", "INC-1: disk full", "--by", "ops", "--config", config])
            #expect(try await pause.waitForExit() == 0, "\(pause.allOutput)")
            let status = try await JobKitProcess.run(["status", "--config", config])
            #expect(try await status.waitForExit() == 0, "\(status.allOutput)")
            #expect(status.stdoutLines.first?.hasSuffix("PAUSED") == true, "\(status.allOutput)")
            #expect(
                status.stdoutLines.contains { $0.hasPrefix("broken") && $0.contains("by ops since") && $0.hasSuffix(": INC-1: disk full") },
                "\(status.allOutput)"
            )

            // A trigger runs a paused job too; the run fails, so `--wait` exits 1.
            let trigger = try await JobKitProcess.run(["trigger", "broken", "--wait", "--config", config])
            #expect(try await trigger.waitForExit() == 1, "\(trigger.allOutput)")
            #expect(trigger.stdoutLines.joined().contains(": failed"), "\(trigger.allOutput)")
            let history = try await JobKitProcess.run(["history", "broken", "--json", "--config", config])
            #expect(try await history.waitForExit() == 0, "\(history.allOutput)")
            let object = try JSONSerialization.jsonObject(with: Data(history.stdoutLines.joined().utf8)) as? [String: Any]
            // Only the manual run counts: a test that runs across the hour also has the hourly tick.
            let runs = try #require(object?["runs"] as? [[String: Any]], "\(history.allOutput)").filter { $0["kind"] as? String == "manual" }
            #expect(runs.count == 1 && runs.first?["outcome"] as? String == "failed", "\(runs)")

            let resume = try await JobKitProcess.run(["resume", "broken", "--config", config])
            #expect(try await resume.waitForExit() == 0, "\(resume.allOutput)")
            #expect(resume.stdoutLines.joined().contains("Resumed job \"broken\" (paused by ops"), "\(resume.allOutput)")
            let after = try await JobKitProcess.run(["status", "--config", config])
            #expect(try await after.waitForExit() == 0, "\(after.allOutput)")
            #expect(after.stdoutLines.contains { $0.hasPrefix("broken") && $0.hasSuffix("-") && !$0.contains("INC-1") }, "\(after.allOutput)")

            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0, "\(scheduler.allOutput)")
            #expect(scheduler.events("job.failed").filter { $0["kind"] == "manual" }.count == 1, "\(scheduler.allOutput)")
        }
    }
}
