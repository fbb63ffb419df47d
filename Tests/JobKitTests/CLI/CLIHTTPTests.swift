import Foundation
import Testing

extension CLI {
    /// `jobkit run --http`: the metrics, probes, status API and page over real HTTP, served by
    /// a real scheduler process.
    @Suite struct HTTPTests {
        /// Starts `jobkit run CONFIG --http 127.0.0.1:0` and returns it with a client for the
        /// port it reports in `http.started`.
        static func start(
            _ config: String, address: String = "127.0.0.1:0", environment: [String: String] = [:],
            arguments: [String] = []
        ) async throws -> (JobKitProcess, RawHTTP) {
            let scheduler = try JobKitProcess(["run", config, "--http", address] + arguments, environment: environment)
            let started = try await scheduler.waitForEvent("http.started")
            let bound = try #require(started["address"], "http.started names its address: \(started)")
            let port = try #require(bound.split(separator: ":").last.flatMap { Int($0) })
            return (scheduler, RawHTTP(port: port))
        }

        /// The value of the sample `name` (with its labels, as printed) in a Prometheus text page.
        static func sample(_ name: String, in page: String) -> Double? {
            for line in page.split(separator: "\n") where line.hasPrefix(name + " ") {
                return Double(line.dropFirst(name.count + 1))
            }
            return nil
        }

        @Test func metricsMoveAfterRunsAndProbesAnswer() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                ["name": "fine", "type": "shell", "every": "1s", "parameters": ["command": ["true"], "shell": false]],
                ["name": "broken", "type": "shell", "every": "1s", "parameters": ["command": ["false"], "shell": false]],
            ])
            let (scheduler, http) = try await Self.start(config)
            _ = try await waitUntil(timeout: .seconds(60), "a success and a failure") {
                scheduler.events("job.succeeded").count >= 1 && scheduler.events("job.failed").count >= 1 ? true : nil
            }
            let succeeded = #"jobkit_runs_total{job="fine",outcome="succeeded"}"#
            let first = try await http.get("/metrics")
            #expect(first.status == 200)
            #expect(first.headers.lowercased().contains("content-type: text/plain; version=0.0.4"))
            let before = try #require(Self.sample(succeeded, in: first.body), "\(first.body)")
            #expect(before >= 1)
            #expect((Self.sample(#"jobkit_runs_total{job="broken",outcome="failed"}"#, in: first.body) ?? 0) >= 1)
            #expect(Self.sample(#"jobkit_overlaps_total{job="fine"}"#, in: first.body) == 0, "alert counters exist at 0")
            #expect(Self.sample("jobkit_store_up", in: first.body) == 1)
            #expect(Self.sample("jobkit_running_jobs", in: first.body) != nil)
            #expect(first.body.contains(#"jobkit_run_duration_seconds_count{job="fine"}"#))
            #expect(first.body.contains(#"jobkit_start_lateness_seconds_bucket{job="fine",le="#))
            #expect((Self.sample("process_resident_memory_bytes", in: first.body) ?? 0) > 1_000_000)
            #expect(Self.sample("process_cpu_seconds_total", in: first.body) != nil)

            // The counter moves with the runs the scheduler reports.
            let runsSeen = scheduler.events("job.succeeded").filter { $0["job"] == "fine" }.count
            _ = try await waitUntil(timeout: .seconds(60), "two more runs of fine") {
                scheduler.events("job.succeeded").filter { $0["job"] == "fine" }.count >= runsSeen + 2 ? true : nil
            }
            let second = try await http.get("/metrics")
            let after = try #require(Self.sample(succeeded, in: second.body))
            #expect(after >= before + 2)

            let health = try await http.get("/healthz")
            #expect(health.status == 200 && health.body.contains("running"), "\(health)")
            let ready = try await http.get("/readyz")
            #expect(ready.status == 200, "\(ready)")
            #expect(try await http.get("/no-such-page").status == 404)
            #expect(try await http.get("/metrics/extra").status == 404)

            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0)
            #expect(scheduler.events("http.exposed").isEmpty, "loopback is not exposed")
        }

        /// `/api/status` is what `jobkit status --json` prints: the same keys, jobs and runs.
        @Test func apiStatusIsTheJSONOfJobkitStatus() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                ["name": "hourly", "type": "shell", "every": "1h", "parameters": ["command": ["true"], "shell": false]],
                ["name": "quick", "type": "shell", "every": "1s", "parameters": ["command": ["true"], "shell": false]],
            ])
            // Half past the hour on the scheduler's clock: the hourly job does not fire meanwhile.
            let (scheduler, http) = try await Self.start(config, arguments: [MidHourOffset.argument()])
            _ = try await scheduler.waitForEvent("job.succeeded")
            // A job due every second may be running when the status is read: read it again, with
            // a deadline, until quick's last run is a finished one.
            var served = try await http.get("/api/status")
            let deadline = ContinuousClock.now + .seconds(60)
            while Self.lastOutcome(of: "quick", in: served.body) != "succeeded", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                served = try await http.get("/api/status")
            }
            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0)
            let printed = try await JobKitProcess.run(["status", "--json", "--config", config])

            #expect(served.status == 200)
            #expect(served.headers.lowercased().contains("content-type: application/json"))
            let api = try #require(try JSONSerialization.jsonObject(with: Data(served.body.utf8)) as? [String: Any])
            let cli = try #require(try JSONSerialization.jsonObject(with: Data(printed.stdoutLines.joined().utf8)) as? [String: Any])
            #expect(Set(api.keys) == Set(cli.keys))
            let apiJobs = try #require(api["jobs"] as? [[String: Any]])
            let cliJobs = try #require(cli["jobs"] as? [[String: Any]])
            #expect(apiJobs.map { $0["name"] as? String } == cliJobs.map { $0["name"] as? String })
            for (served, printed) in zip(apiJobs, cliJobs) {
                #expect(Set(served.keys) == Set(printed.keys))
                #expect(served["schedule"] as? String == printed["schedule"] as? String)
            }
            let quick = try #require(apiJobs.first { $0["name"] as? String == "quick" })
            let lastRun = try #require(quick["last_run"] as? [String: Any])
            #expect(lastRun["outcome"] as? String == "succeeded")
            // The hourly job never ran: the same null in both.
            #expect(apiJobs.first { $0["name"] as? String == "hourly" }?["last_run"] is NSNull)
            #expect(cliJobs.first { $0["name"] as? String == "hourly" }?["last_run"] is NSNull)
        }

        /// The `outcome` of `job`'s `last_run` in an `/api/status` body, if it has one.
        private static func lastOutcome(of job: String, in body: String) -> String? {
            let status = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let jobs = status?["jobs"] as? [[String: Any]]
            let lastRun = jobs?.first { $0["name"] as? String == job }?["last_run"] as? [String: Any]
            return lastRun?["outcome"] as? String
        }

        /// An oversized header, garbage, and a client that never finishes its request: each is
        /// refused or timed out by the server while the scheduler keeps firing on time.
        @Test func badRequestsDoNotDisturbTheScheduler() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                ["name": "steady", "type": "shell", "every": "1s", "parameters": ["command": ["true"], "shell": false]],
            ])
            let (scheduler, http) = try await Self.start(config)
            _ = try await scheduler.waitForEvent("job.succeeded")

            let slow = try http.openSlowConnection(sending: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            defer { close(slow) }
            let oversized = try await http.get("/healthz", extraHeaders: "X-Big: \(String(repeating: "a", count: 64 * 1024))\r\n")
            #expect(oversized.status == 0 || (400..<500).contains(oversized.status), "\(oversized.status)")
            let garbage = try await http.send("\u{01}\u{02} not http at all\r\n\r\n")
            #expect(garbage.status == 0 || (400..<500).contains(garbage.status), "\(garbage.status)")

            // With the slow client still connected, the server answers others and the
            // scheduler goes on running every tick.
            let seen = scheduler.events("job.succeeded").count
            _ = try await waitUntil(timeout: .seconds(60), "two more ticks") {
                scheduler.events("job.succeeded").count >= seen + 2 ? true : nil
            }
            #expect(try await http.get("/healthz").status == 200)
            #expect(!scheduler.events("job.succeeded").isEmpty && scheduler.isRunning)

            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0)
            #expect(scheduler.events("job.failed").isEmpty && scheduler.events("job.misfired").isEmpty)
        }

        /// SIGTERM while a run is in progress: the scheduler stops first, and `/healthz`
        /// answers 503 while it does; the server stops after it.
        @Test func healthzAnswers503WhileTheSchedulerStops() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("gated", every: "1s", script: CLI.gatedScript, in: directory),
            ])
            let (scheduler, http) = try await Self.start(config)
            _ = try await scheduler.waitForEvent("job.started")
            #expect(try await http.get("/healthz").status == 200)
            scheduler.signal(SIGTERM)
            _ = try await scheduler.waitForEvent("scheduler.stopping")
            let stopping = try await http.get("/healthz")
            #expect(stopping.status == 503, "\(stopping)")
            #expect(stopping.body.contains("stopping"))
            #expect(try await http.get("/readyz").status == 503)
            #expect(FileManager.default.createFile(atPath: directory.path("go"), contents: nil))
            #expect(try await scheduler.waitForExit() == 0)
            let names = scheduler.events.compactMap(\.name)
            #expect(names.last == "scheduler.stopped")
        }

        /// Binding beyond loopback is allowed, and said with a warning.
        @Test func bindingBeyondLoopbackWarns() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                ["name": "idle", "type": "shell", "every": "1h", "parameters": ["command": ["true"], "shell": false]],
            ])
            let (scheduler, http) = try await Self.start(config, address: "0.0.0.0:0")
            let exposed = try await scheduler.waitForEvent("http.exposed")
            #expect(exposed["level"] == "warning")
            #expect(exposed["address"]?.hasPrefix("0.0.0.0:") == true)
            #expect(try await http.get("/healthz").status == 200)
            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0)
        }

        @Test func anAddressThatIsNotHostAndPortIsRefused() async throws {
            let refused = try await JobKitProcess.run(["run", "--http", "localhost:http"])
            #expect(try await refused.waitForExit() != 0)
            #expect(refused.stderr.contains("--http"))
        }
    }
}
