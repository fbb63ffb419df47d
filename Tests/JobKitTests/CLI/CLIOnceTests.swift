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
            #expect(lines.compactMap(\.name) == ["job.started", "job.succeeded"])
            #expect(lines.allSatisfy { $0["job"] == "hello" })
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
            #expect(lines.compactMap(\.name) == ["job.started", "job.failed"])
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
            #expect(error.contains("\"helo\"") && error.contains("hello"), "\(error)")
        }
    }
}
