import Foundation
import JobKit
import Testing

extension CLI {
    /// `jobkit status` and `jobkit history`: what ran where, read from the run ledger, with the
    /// JSON keys the README promises, and never a change to the store.
    @Suite struct StatusTests {
        private func json(_ process: JobKitProcess) throws -> [String: Any] {
            let text = process.stdoutLines.joined(separator: "\n")
            return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(process.allOutput)")
        }

        @Test func statusAndHistoryShowWhatRanWhereWithTheirJSONKeys() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("hello", every: "1h", script: "true", in: directory),
                CLI.shellJob("broken", every: "30m", script: "echo 'disk full' >&2; exit 3", in: directory),
            ])
            for job in ["hello", "hello", "broken", "broken"] {
                _ = try await JobKitProcess.run(["once", job, "--config", config])
            }
            // Someone holds broken's lock now.
            let store = try SQLiteLockStore(path: directory.path("locks.sqlite"))
            let held = try #require(try store.acquire(LockRequest(lockID: "broken", owner: "other-host:42", ttl: .seconds(600), liveness: nil)).lease)

            let status = try await JobKitProcess.run(["status", "--json", "--config", config])
            #expect(try await status.waitForExit() == 0, "\(status.allOutput)")
            let jobs = try #require(try json(status)["jobs"] as? [[String: Any]])
            #expect(jobs.map { $0["name"] as? String } == ["hello", "broken"])
            for job in jobs {
                for key in ["name", "type", "schedule", "lock_id", "enabled", "next_ticks", "last_run", "last_success_at", "consecutive_failures", "running", "paused"] {
                    #expect(job.keys.contains(key), "status entry lacks \(key): \(job)")
                }
                #expect(job["paused"] is NSNull, "a job nobody paused: \(job)")
                #expect(job["type"] as? String == "shell")
                #expect((job["next_ticks"] as? [String])?.count == 3)
            }
            let hello = jobs[0]
            let lastRun = try #require(hello["last_run"] as? [String: Any])
            for key in ["tick", "owner", "outcome", "duration_ms"] { #expect(lastRun.keys.contains(key), "last_run lacks \(key)") }
            #expect(lastRun["outcome"] as? String == "succeeded")
            #expect(lastRun["tick"] is NSNull, "a run by hand has no tick")
            #expect((lastRun["owner"] as? String)?.isEmpty == false)
            #expect(hello["last_success_at"] is String)
            #expect(hello["consecutive_failures"] as? Int == 0)
            #expect(hello["running"] is NSNull)
            let broken = jobs[1]
            #expect(broken["consecutive_failures"] as? Int == 2)
            #expect(broken["last_success_at"] is NSNull)
            let running = try #require(broken["running"] as? [String: Any])
            #expect(running["owner"] as? String == "other-host:42")
            #expect(running["token"] as? Int64 == held.token)
            #expect(running["since"] is String)

            let history = try await JobKitProcess.run(["history", "broken", "--json", "--config", config])
            #expect(try await history.waitForExit() == 0, "\(history.allOutput)")
            let runs = try #require(try json(history)["runs"] as? [[String: Any]])
            #expect(runs.count == 2)
            for run in runs {
                for key in ["job", "job_type", "lock_id", "tick", "owner", "token", "started_at", "ended_at", "outcome", "duration_ms", "overlapped", "error", "kind"] {
                    #expect(run.keys.contains(key), "history entry lacks \(key): \(run)")
                }
                #expect(run["kind"] as? String == "once", "a run by `jobkit once`: \(run)")
                #expect(run["outcome"] as? String == "failed")
                #expect((run["error"] as? String)?.contains("disk full") == true)
                #expect(run["overlapped"] as? Bool == false)
            }
            let tokens = runs.compactMap { $0["token"] as? Int64 }
            #expect(tokens == tokens.sorted(by: >), "newest first")

            let limited = try await JobKitProcess.run(["history", "broken", "--limit", "1", "--json", "--config", config])
            #expect(try await limited.waitForExit() == 0)
            #expect((try json(limited)["runs"] as? [Any])?.count == 1)

            let text = try await JobKitProcess.run(["status", "--config", config])
            #expect(try await text.waitForExit() == 0)
            #expect(text.stdoutLines.first?.hasPrefix("JOB") == true)
            #expect(text.stdoutLines.contains { $0.hasPrefix("broken") && $0.contains("failed") && $0.contains("other-host:42") })
        }

        @Test func statusAndHistoryNeverCreateAStore() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [CLI.shellJob("hello", every: "1h", script: "true", in: directory)])
            let status = try await JobKitProcess.run(["status", "--config", config])
            #expect(try await status.waitForExit() == 1, "\(status.allOutput)")
            #expect(status.stderr.contains("locks.sqlite"), "\(status.stderr)")
            let history = try await JobKitProcess.run(["history", "hello", "--config", config])
            #expect(try await history.waitForExit() == 1, "\(history.allOutput)")
            #expect(!FileManager.default.fileExists(atPath: directory.path("locks.sqlite")), "no file was created")
        }

        @Test func anUnreachableStoreExitsOne() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [CLI.shellJob("hello", every: "1h", script: "true", in: directory)])
            let url = "postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2"
            let status = try await JobKitProcess.run(["status", "--config", config, "--database-url", url])
            #expect(try await status.waitForExit() == 1)
            #expect(!status.allOutput.contains("secret"))
            let history = try await JobKitProcess.run(["history", "hello", "--database-url", url])
            #expect(try await history.waitForExit() == 1)
        }
    }
}
