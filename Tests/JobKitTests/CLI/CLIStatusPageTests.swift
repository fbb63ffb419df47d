import Foundation
import Testing

extension CLI {
    /// The status page of `jobkit run --http`, loaded in a real headless Chromium.
    @Suite struct StatusPageTests {
        /// Jobs that succeed, fail and never ran, on PostgreSQL with a password in the URL: the
        /// rendered page names every job, shows each run's outcome and the locks, and never
        /// the password; a screenshot is written for people (`JOBKIT_SCREENSHOT_DIR` keeps it).
        @Test func chromiumRendersJobsOutcomesAndLocksWithoutSecrets() async throws {
            let directory = try TemporaryDirectory()
            let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
            let names = ["billing-sync-\(suffix)", "report-\(suffix)", "weekly-\(suffix)"]
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                ["name": names[0], "type": "shell", "every": "1s", "parameters": ["command": ["true"], "shell": false]],
                ["name": names[1], "type": "shell", "every": "1s", "parameters": ["command": ["sh", "-c", "echo 'disk <full>' >&2; exit 3"], "shell": false]],
                ["name": names[2], "type": "shell", "cron": "0 3 * * 1", "parameters": ["command": ["true"], "shell": false]],
            ])
            let url = try TestDatabase.url
            let password = try #require(URLComponents(string: url)?.password, "the test server has a password")
            // Half past the hour on the scheduler's clock: the weekly job cannot come due meanwhile.
            let (scheduler, http) = try await CLI.HTTPTests.start(
                config, environment: ["JOBKIT_DATABASE_URL": url], arguments: [MidHourOffset.argument()]
            )
            _ = try await waitUntil(timeout: .seconds(60), "a success and a failure") {
                scheduler.events("job.succeeded").contains { $0["job"] == names[0] }
                    && scheduler.events("job.failed").contains { $0["job"] == names[1] } ? true : nil
            }
            let page = "http://127.0.0.1:\(http.port)/"
            // A job due every second may be running when the page is read: read it again, with a
            // deadline, until both jobs show a finished last run.
            var dom = ""
            let deadline = ContinuousClock.now + .seconds(60)
            repeat {
                dom = try await HeadlessChromium.dumpDOM(page, in: directory)
                let billing = Self.card(names[0], in: dom) ?? ""
                let report = Self.card(names[1], in: dom) ?? ""
                if billing.contains("class=\"outcome succeeded\">succeeded<") && report.contains("exit status 3") { break }
            } while ContinuousClock.now < deadline
            let screenshot = directory.path("status-page.png")
            try await HeadlessChromium.screenshot(page, to: screenshot, width: 1000, height: 760, in: directory)
            let phone = directory.path("status-page-phone.png")
            try await HeadlessChromium.screenshot(page, to: phone, width: 390, height: 844, in: directory)
            let api = try await http.get("/api/status")
            let metrics = try await http.get("/metrics")
            scheduler.signal(SIGTERM)
            #expect(try await scheduler.waitForExit() == 0)

            for name in names {
                #expect(dom.contains("id=\"job-\(name)\""), "the page has a card for \(name)")
            }
            let billing = try #require(Self.card(names[0], in: dom))
            #expect(billing.contains("class=\"outcome succeeded\">succeeded<"))
            let report = try #require(Self.card(names[1], in: dom))
            #expect(report.contains("class=\"outcome failed\">failed<"))
            #expect(report.contains("exit status 3"), "the last error is shown")
            #expect(report.contains("disk &lt;full&gt;") || !report.contains("<full>"), "job output is escaped, never markup")
            let weekly = try #require(Self.card(names[2], in: dom))
            #expect(weekly.contains("<dd>never</dd>"), "a job that never ran says so")
            #expect(weekly.contains(#"cron "0 3 * * 1""#))
            #expect(weekly.contains("<dt>Recent runs</dt><dd>none</dd>"))
            #expect(dom.contains("<h2>Locks</h2>") && dom.contains(">\(names[0])</td>"))
            #expect(dom.contains("http-equiv=\"refresh\""), "the page refreshes itself")
            #expect(!dom.contains("<script src"), "nothing is fetched from elsewhere")
            for text in [dom, api.body, metrics.body] {
                #expect(!text.contains(password), "no database password on the page, in /api/status or /metrics")
            }
            for path in [screenshot, phone] {
                let png = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(path) is a PNG")
            }
            if let keep = ProcessInfo.processInfo.environment["JOBKIT_SCREENSHOT_DIR"] {
                for path in [screenshot, phone] {
                    let target = URL(fileURLWithPath: keep).appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent)
                    try? FileManager.default.removeItem(at: target)
                    try FileManager.default.copyItem(at: URL(fileURLWithPath: path), to: target)
                }
            }
        }

        /// The HTML of the job's card in `dom`.
        static func card(_ name: String, in dom: String) -> String? {
            guard let start = dom.range(of: "id=\"job-\(name)\"") else { return nil }
            let rest = dom[start.lowerBound...]
            guard let end = rest.range(of: "</article>") else { return nil }
            return String(rest[..<end.lowerBound])
        }
    }
}
