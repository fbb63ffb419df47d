import Foundation
import Testing

extension CLI {
    /// Store errors no retry can fix stop `jobkit run` at start with `config.invalid` naming
    /// the cause and exit status 1, so a service manager shows the failure instead of a
    /// scheduler logging an outage forever.
    @Suite struct PermanentStoreErrorTests {
        /// `url` with its password replaced by `password`.
        static func withPassword(_ url: String, _ password: String) -> String {
            guard let at = url.firstIndex(of: "@"), let colon = url[..<at].lastIndex(of: ":") else { return url }
            return String(url[...colon]) + password + String(url[at...])
        }

        @Test func aWrongPasswordStopsRunAtStartNamingTheCause() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("hello", every: "1s", script: "touch ran", in: directory),
            ])
            let url = Self.withPassword(try TestDatabase.url, "not-the-password")
            let scheduler = try await JobKitProcess.run(["run", config, "--database-url", url])
            #expect(try await scheduler.waitForExit() == 1)
            let lines = try scheduler.parsedLines()
            #expect(lines.compactMap(\.name) == ["scheduler.started", "config.invalid"], "\(scheduler.allOutput)")
            let invalid = try #require(lines.last)
            #expect(invalid["cause"] == "authentication failed", "\(invalid)")
            #expect(invalid["error"]?.contains("password authentication failed") == true, "\(invalid)")
            #expect(!scheduler.allOutput.contains("not-the-password"))
            #expect(!FileManager.default.fileExists(atPath: directory.path("ran")))
        }

        @Test func aMissingDatabaseStopsRunAtStartNamingTheCause() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("hello", every: "1s", script: "touch ran", in: directory),
            ])
            var components = try #require(URLComponents(string: try TestDatabase.url))
            components.path = "/jk_no_such_database"
            let url = try #require(components.string)
            let scheduler = try await JobKitProcess.run(["run", config], environment: ["JOBKIT_DATABASE_URL": url])
            #expect(try await scheduler.waitForExit() == 1)
            let lines = try scheduler.parsedLines()
            #expect(lines.compactMap(\.name) == ["scheduler.started", "config.invalid"], "\(scheduler.allOutput)")
            let invalid = try #require(lines.last)
            #expect(invalid["cause"] == "the database does not exist", "\(invalid)")
            #expect(invalid["error"]?.contains("jk_no_such_database") == true, "\(invalid)")
            #expect(!FileManager.default.fileExists(atPath: directory.path("ran")))
        }
    }
}
