import Foundation
import Testing

extension PostgresServerControlTests {
    /// `/readyz` through a PostgreSQL outage. Nested in ``PostgresServerControlTests`` so it
    /// runs in the server-control phase of `scripts/test`, alone with the other tests that
    /// stop the server.
    @Suite struct HTTPServerControlTests {
        /// PostgreSQL stopped under a running `jobkit run --http`: `/readyz` answers 503 with
        /// the reason while it is down, `/healthz` stays 200 (the loop is alive; restarting
        /// the process would not help), `jobkit_store_up` is 0; all back once it returns.
        @Test func readyzIs503WhileThePostgresServerIsStopped() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                ["name": "ready-probe", "type": "shell", "every": "1h", "parameters": ["command": ["true"], "shell": false]],
            ])
            let (scheduler, http) = try await CLI.HTTPTests.start(
                config, environment: ["JOBKIT_DATABASE_URL": try TestDatabase.url]
            )
            let ready = try await http.get("/readyz")
            #expect(ready.status == 200, "\(ready)")

            try TestDatabase.control("stop")
            do {
                try await waitUntil("/readyz to answer 503", timeout: .seconds(60)) {
                    (try? await http.get("/readyz"))?.status == 503
                }
            } catch {
                try? TestDatabase.control("pause-start")
                throw error
            }
            let down = try await http.get("/readyz")
            let health = try await http.get("/healthz")
            let metrics = try await http.get("/metrics")
            try TestDatabase.control("pause-start")

            #expect(down.body.contains("the store cannot be reached"), "\(down)")
            #expect(health.status == 200, "\(health)")
            #expect(CLI.HTTPTests.sample("jobkit_store_up", in: metrics.body) == 0)
            try await waitUntil("/readyz to answer 200 again", timeout: .seconds(60)) {
                (try? await http.get("/readyz"))?.status == 200
            }
            #expect(scheduler.events("store.unavailable").count == 1)
            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0)
        }
    }
}
