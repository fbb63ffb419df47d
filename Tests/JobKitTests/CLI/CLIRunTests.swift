import Foundation
import Testing

extension CLI {
    /// `jobkit run`: the scheduler as an operator runs it, stopped by SIGTERM.
    @Suite struct RunTests {
        /// Every stdout line is a JSON object (stdout is a pipe, so JSON is the default), and
        /// every tick is one `job.started` and then one `job.succeeded` for that tick, on the
        /// whole-second grid of a 1 s schedule.
        @Test func everyLineIsJSONAndEveryTickStartsThenSucceeds() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                ["name": "nap", "type": "shell", "every": "1s", "parameters": ["command": ["sleep", "0.2"]]],
            ])
            let scheduler = try JobKitProcess(["run", config])
            _ = try await waitUntil(timeout: .seconds(60), "two ticks to succeed; jobkit printed:\n\(scheduler.stdoutLines)") {
                scheduler.events("job.succeeded").count >= 2 ? true : nil
            }
            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0)

            let lines = try scheduler.parsedLines()
            for line in lines {
                #expect(line["ts"] != nil && line["level"] != nil && line["message"] != nil, "\(line)")
                #expect(line.name != nil, "every line of the scheduler is a named event: \(line)")
            }
            let names = lines.compactMap(\.name)
            #expect(names.first == "scheduler.started")
            // A run in flight at SIGTERM may end after `scheduler.stopping`, and a fire already
            // waiting for its (batched) claim may start after it; no tick due after it starts.
            #expect(names.last == "scheduler.stopped")
            let stopping = try #require(lines.firstIndex { $0.name == "scheduler.stopping" })
            let stoppedAt = try #require(lines[stopping].milliseconds("ts"))
            for late in lines[stopping...] where late.name == "job.started" {
                #expect((late.tickMilliseconds ?? .max) <= stoppedAt, "a tick due after the stop started: \(late)")
            }
            #expect(!names.contains("job.failed"))

            let started = lines.filter { $0.name == "job.started" }
            #expect(started.count >= 2)
            var previousTick: Int64 = .min
            for start in started {
                let tick = try #require(start.tickMilliseconds, "job.started has a tick: \(start)")
                #expect(tick % 1000 == 0, "ticks sit on the whole-second grid: \(start)")
                #expect(tick > previousTick, "each tick is newer than the last")
                previousTick = tick
                #expect(start["job"] == "nap")
                let position = try #require(lines.firstIndex { $0.line == start.line })
                let ends = lines[position...].filter { $0.name == "job.succeeded" && $0["tick"] == start["tick"] }
                #expect(ends.count == 1, "one job.succeeded follows job.started for tick \(start["tick"] ?? "?")")
                #expect(ends.first?.integer("token") == start.integer("token"))
            }
            #expect(lines.filter { $0.name == "job.succeeded" }.count == started.count)
        }

        /// SIGTERM while a run is in progress: `scheduler.stopping` (no new fires), the run
        /// finishes and reports, then `scheduler.stopped`, exit status 0, and every lock is
        /// released. The run waits for a file the test creates only after `scheduler.stopping`,
        /// so the order does not depend on the machine's speed.
        @Test func sigtermDuringARunLetsItFinishThenStops() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("gated", every: "1s", script: CLI.gatedScript, in: directory),
            ])
            let scheduler = try JobKitProcess(["run", config])
            let started = try await scheduler.waitForEvent("job.started")
            let token = try #require(started.integer("token"))
            _ = try await waitUntil(timeout: .seconds(60), "the command to start") {
                FileManager.default.fileExists(atPath: directory.path("started-\(token)")) ? true : nil
            }
            #expect(scheduler.events("job.succeeded").isEmpty && scheduler.events("job.failed").isEmpty)

            scheduler.signal(SIGTERM)
            let stopping = try await scheduler.waitForEvent("scheduler.stopping")
            #expect(stopping.integer("running") == 1)
            #expect(scheduler.isRunning, "the scheduler waits for the running job")
            #expect(scheduler.events("scheduler.stopped").isEmpty)
            #expect(FileManager.default.createFile(atPath: directory.path("go"), contents: nil))
            #expect(try await scheduler.waitForExit() == 0)

            let lines = try scheduler.parsedLines()
            let named = lines.compactMap { line in line.name.map { (name: $0, event: line) } }
            let stoppingAt = try #require(named.firstIndex { $0.name == "scheduler.stopping" })
            let endAt = try #require(named.firstIndex { ["job.succeeded", "job.failed"].contains($0.name) })
            let stoppedAt = try #require(named.firstIndex { $0.name == "scheduler.stopped" })
            #expect(stoppingAt < endAt && endAt < stoppedAt, "stopping, then the job's end, then stopped: \(named.map(\.name))")
            #expect(stoppedAt == named.count - 1)
            let end = named[endAt].event
            #expect(end.name == "job.succeeded", "the job finished within the grace: \(end)")
            #expect(end.integer("token") == token && end["tick"] == started["tick"])
            #expect(named[stoppingAt...].allSatisfy { $0.name != "job.started" }, "no new fires after stopping")

            let rows = try await CLI.lockRows(databaseURL: CLI.databaseURL(in: directory))
            #expect(rows.map { $0["LOCK"] } == ["gated"])
            #expect(rows.allSatisfy { $0["STATUS"] == "released" }, "\(rows)")
        }

        /// A run still going when the shutdown grace ends is cancelled: its command is
        /// terminated, `job.failed` is reported, its lock released, and the scheduler exits 0.
        @Test func aRunOutlastingTheShutdownGraceIsCancelledAndItsLockReleased() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("stubborn", every: "1s", script: CLI.gatedScript, in: directory),
            ])
            let scheduler = try JobKitProcess(["run", config, "--shutdown-grace", "0.5"])
            let started = try await scheduler.waitForEvent("job.started")
            let token = try #require(started.integer("token"))
            _ = try await waitUntil(timeout: .seconds(60), "the command to start") {
                FileManager.default.fileExists(atPath: directory.path("started-\(token)")) ? true : nil
            }
            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0)

            let names = try scheduler.parsedLines().compactMap(\.name)
            #expect(Array(names.suffix(3)) == ["scheduler.stopping", "job.failed", "scheduler.stopped"])
            let failed = try #require(scheduler.events("job.failed").first)
            #expect(failed.integer("token") == token)
            #expect(failed["error"]?.contains("was cancelled before it finished") == true, "\(failed)")

            let rows = try await CLI.lockRows(databaseURL: CLI.databaseURL(in: directory))
            #expect(rows.map { $0["LOCK"] } == ["stubborn"])
            #expect(rows.allSatisfy { $0["STATUS"] == "released" }, "\(rows)")
        }

        /// Without CONFIG and without `jobs.json`, `jobkit run` says so and uses
        /// `jobs.example.json` from the working directory (with its relative SQLite store there).
        @Test func withoutAConfigItFallsBackToTheExampleFileWithANotice() async throws {
            let directory = try TemporaryDirectory()
            try FileManager.default.copyItem(
                atPath: TestDatabase.packageRoot + "/jobs.example.json", toPath: directory.path("jobs.example.json")
            )
            let scheduler = try JobKitProcess(["run"], workingDirectory: directory.url.path)
            let started = try await scheduler.waitForEvent("scheduler.started")
            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0)

            let lines = try scheduler.parsedLines()
            let startedAt = try #require(lines.firstIndex { $0.name == "scheduler.started" })
            let notice = lines[..<startedAt].first { $0["message"]?.contains("jobs.example.json") == true }
            #expect(notice?["level"] == "notice", "a notice names the file used: \(lines)")
            #expect(notice?["message"]?.contains("jobs.json") == true)
            #expect(started.integer("jobs") == 3, "the example's three enabled jobs")
            #expect(lines.last?.name == "scheduler.stopped")
            #expect(FileManager.default.fileExists(atPath: directory.path("jobkit.sqlite")), "its store is in the working directory")
        }

        /// An invalid jobs file stops `jobkit run` at once with one `config.invalid` event that
        /// names every problem, exit status 1, and no crash.
        @Test func anInvalidJobsFileIsOneConfigInvalidEventAndExitStatusOne() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeFile(in: directory, name: "broken.json", CLI.ValidateTests.brokenFile)
            let scheduler = try await JobKitProcess.run(["run", config], workingDirectory: directory.url.path)
            #expect(try await scheduler.waitForExit() == 1)

            let lines = try scheduler.parsedLines()
            #expect(lines.compactMap(\.name) == ["config.invalid"])
            let invalid = try #require(lines.first { $0.name == "config.invalid" })
            #expect(invalid["level"] == "error")
            let error = try #require(invalid["error"])
            for expected in CLI.ValidateTests.brokenFileProblems {
                #expect(error.contains(expected), "config.invalid names \(expected): \(error)")
            }
            #expect(error.contains(config))
            #expect(!scheduler.stderr.contains("Fatal error"), "\(scheduler.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.path("jobkit.sqlite")), "no store was opened")
            #expect(invalid["message"] == "The scheduler cannot start: \(config) has 4 problems.", "the problems are in error, not twice")
        }

        /// In text mode `config.invalid` is the event line, then one problem per line, indented.
        @Test func configInvalidInTextPutsOneProblemPerIndentedLine() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeFile(in: directory, name: "broken.json", CLI.ValidateTests.brokenFile)
            let scheduler = try await JobKitProcess.run(["run", config, "--log-format", "text"], workingDirectory: directory.url.path)
            #expect(try await scheduler.waitForExit() == 1)
            let lines = scheduler.stdoutLines
            #expect(lines.count == 5, "the event line and four problems: \(lines)")
            let first = try #require(lines.first)
            #expect(first.contains(" error config.invalid — The scheduler cannot start: \(config) has 4 problems."), "\(first)")
            #expect(!first.contains("error="), "the problems are not inline: \(first)")
            #expect(!first.contains("\\n"), "\(first)")
            let problems = lines.dropFirst()
            #expect(problems.allSatisfy { $0.hasPrefix("    \(config):") }, "\(lines)")
            for expected in CLI.ValidateTests.brokenFileProblems {
                #expect(problems.contains { $0.contains(expected) }, "a line names \(expected): \(lines)")
            }
        }
    }
}
