import Foundation
import Testing

extension CLI {
    /// `jobkit once JOB`: one run now, through the job's lock.
    @Suite struct OnceTests {
        @Test func aSucceedingJobPrintsItsEventsAndExitsZero() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("hello", every: "1h", script: "echo hello", in: directory),
            ])
            let once = try await JobKitProcess.run(["once", "hello", "--config", config])
            #expect(try await once.waitForExit() == 0, "\(once.allOutput)")
            let lines = try once.parsedLines()
            #expect(lines.compactMap(\.name) == ["job.started", "job.output", "job.succeeded"])
            #expect(lines.allSatisfy { $0["job"] == "hello" })
            #expect(lines[1]["stream"] == "stdout" && lines[1]["line"] == "hello", "once prints the job's output")
            #expect(lines.first?["tick"] == nil, "a run now is for no scheduled tick")
        }

        @Test func aFailingShellJobPrintsJobFailedAndExitsOne() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("broken", every: "1h", script: "echo 'no such table' >&2; exit 2", in: directory),
            ])
            let once = try await JobKitProcess.run(["once", "broken", "--config", config])
            #expect(try await once.waitForExit() == 1, "\(once.allOutput)")
            let lines = try once.parsedLines()
            #expect(lines.compactMap(\.name) == ["job.started", "job.output", "job.failed"])
            #expect(lines[1]["stream"] == "stderr" && lines[1]["line"] == "no such table")
            let error = lines.last?["error"] ?? ""
            #expect(error.contains("exit status 2") && error.contains("no such table"), "\(error)")
        }

        @Test func anUnknownJobNamesTheJobsThereAreAndExitsOne() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("hello", every: "1h", script: "true", in: directory),
            ])
            let once = try await JobKitProcess.run(["once", "helo", "--config", config])
            #expect(try await once.waitForExit() == 1)
            let lines = try once.parsedLines()
            #expect(lines.compactMap(\.name) == ["config.invalid"])
            let error = lines.first?["error"] ?? ""
            #expect(error.contains("\"helo\"") && error.contains(#"Did you mean "hello"?"#), "\(error)")
        }

        /// A job's output reaches the log as `job.output` events, bounded per run: the last 20
        /// lines of each stream, after one event counting the lines left out.
        @Test func shellOutputLinesAreLoggedBoundedPerRun() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("chatty", every: "1h", script: "i=1; while [ $i -le 30 ]; do echo \"line $i\"; i=$((i+1)); done; echo oops >&2", in: directory),
            ])
            let once = try await JobKitProcess.run(["once", "chatty", "--config", config])
            #expect(try await once.waitForExit() == 0, "\(once.allOutput)")
            let output = once.events("job.output")
            let stdout = output.filter { $0["stream"] == "stdout" }
            #expect(stdout.first?.integer("dropped_lines") == 10, "\(once.allOutput)")
            #expect(stdout.dropFirst().map { $0["line"] } == (11...30).map { "line \($0)" })
            #expect(output.filter { $0["stream"] == "stderr" }.map { $0["line"] } == ["oops"])
            #expect(output.allSatisfy { $0["level"] == "info" && $0["job"] == "chatty" && $0["lock_id"] == "chatty" })
            #expect(once.events.last?.name == "job.succeeded")
        }

        @Test func aDisabledJobRunsOnlyWithForce() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("wipe", every: "1h", script: "touch ran", in: directory, extra: ["enabled": false]),
            ])
            let refused = try await JobKitProcess.run(["once", "wipe", "--config", config])
            #expect(try await refused.waitForExit() == 1)
            #expect(refused.events.isEmpty, "nothing ran: \(refused.allOutput)")
            #expect(refused.stderr.hasPrefix(#"Error: Job "wipe" is disabled in \#(config) ("enabled": false), so it did not run. Add --force"#), "\(refused.allOutput)")
            #expect(!FileManager.default.fileExists(atPath: directory.path("ran")))
            #expect(!FileManager.default.fileExists(atPath: directory.path("locks.sqlite")), "refused before opening the store")

            let forced = try await JobKitProcess.run(["once", "wipe", "--force", "--config", config])
            #expect(try await forced.waitForExit() == 0, "\(forced.allOutput)")
            #expect(forced.events.compactMap(\.name) == ["job.started", "job.succeeded"])
            #expect(FileManager.default.fileExists(atPath: directory.path("ran")))
        }
    }
}
