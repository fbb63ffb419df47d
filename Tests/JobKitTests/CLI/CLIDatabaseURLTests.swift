import Foundation
import Testing

extension CLI {
    /// A bad `--database-url` gets a clear error and a non-zero exit status, and its password
    /// is printed nowhere.
    @Suite struct DatabaseURLTests {
        static let password = "hunter2"

        /// Nothing listens on port 1: the store cannot be reached, so the job does not run.
        @Test func onceWithAnUnreachableServerSaysSoWithoutThePassword() async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("hello", every: "1h", script: "touch ran", in: directory),
            ])
            let url = "postgres://u:\(Self.password)@127.0.0.1:1/db"
            let once = try await JobKitProcess.run(["once", "hello", "--config", config, "--database-url", url])
            #expect(try await once.waitForExit() == 4, "4: the store could not be reached. \(once.allOutput)")
            let lines = try once.parsedLines()
            #expect(lines.compactMap(\.name) == ["store.unavailable"])
            let unavailable = try #require(lines.first)
            #expect(unavailable["job"] == "hello")
            #expect(unavailable["error"]?.contains("127.0.0.1") == true, "\(unavailable)")
            #expect(unavailable["store"]?.hasPrefix("postgres://u@127.0.0.1:1/db") == true, "\(unavailable)")
            #expect(!FileManager.default.fileExists(atPath: directory.path("ran")), "the job did not run")
            #expect(!once.allOutput.contains(Self.password), "\(once.allOutput)")
        }

        /// A URL that cannot be used at all stops `jobkit run` at start with `config.invalid`.
        @Test(arguments: [
            ("postgress://u:\(password)@db.example.com/jobs", "Unsupported database URL"),
            ("postgres://u:\(password)@[::1/db", "malformed"),
            ("sqlite://u:\(password)@host/locks.sqlite", "is a host, not a path"),
        ])
        func runWithAMalformedURLSaysWhatIsWrongWithoutThePassword(url: String, problem: String) async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("hello", every: "1s", script: "touch ran", in: directory),
            ])
            let scheduler = try await JobKitProcess.run(["run", config, "--database-url", url])
            #expect(try await scheduler.waitForExit() == 1)
            let lines = try scheduler.parsedLines()
            #expect(lines.compactMap(\.name) == ["config.invalid"])
            let error = lines.first?["error"] ?? ""
            #expect(error.contains(problem), "\(error)")
            #expect(error.contains("u:***@"), "the URL is shown with its password masked: \(error)")
            #expect(!scheduler.allOutput.contains(Self.password), "\(scheduler.allOutput)")
        }

        /// A libpq keyword string works wherever a URL does.
        @Test func aKeywordStringReachesTheServer() async throws {
            let components = try #require(URLComponents(string: try TestDatabase.url))
            var keywords = ["host=\(components.host ?? "localhost")", "dbname=\(components.path.dropFirst())"]
            if let port = components.port { keywords.append("port=\(port)") }
            if let user = components.user { keywords.append("user=\(user)") }
            if let password = components.password { keywords.append("password='\(password)'") }
            let url = keywords.joined(separator: " ")
            let migrate = try await JobKitProcess.run(["migrate", "--database-url", url])
            #expect(try await migrate.waitForExit() == 0, "\(migrate.allOutput)")
            #expect(migrate.stdoutLines.first?.hasPrefix("Migrated postgres://") == true, "\(migrate.allOutput)")
            let list = try await JobKitProcess.run(["locks", "--json", "--database-url", url])
            #expect(try await list.waitForExit() == 0, "\(list.allOutput)")
            if let password = components.password, !password.isEmpty {
                #expect(!migrate.allOutput.contains(password) && !list.allOutput.contains(password))
            }
        }

        @Test func locksListWithAnUnreachableServerExitsOneWithoutThePassword() async throws {
            let url = "postgres://u:\(Self.password)@127.0.0.1:1/db"
            let list = try await JobKitProcess.run(["locks", "list", "--database-url", url])
            #expect(try await list.waitForExit() == 1)
            #expect(list.allOutput.contains("127.0.0.1"), "\(list.allOutput)")
            #expect(!list.allOutput.contains(Self.password), "\(list.allOutput)")
        }

        /// A URL that parses but can never connect (libpq checks option values only when it
        /// connects) stops `jobkit run` too, instead of being retried forever as an outage.
        @Test(arguments: [
            ("postgres://u:\(password)@127.0.0.1:notaport/db", "invalid integer value \"notaport\""),
            ("postgres://u:\(password)@127.0.0.1:5432/db?sslmode=bogus", "invalid sslmode value"),
        ])
        func runWithAnUnusableOptionStopsWithConfigInvalid(url: String, problem: String) async throws {
            let directory = try TemporaryDirectory()
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("hello", every: "1s", script: "touch ran", in: directory),
            ])
            let scheduler = try await JobKitProcess.run(["run", config, "--database-url", url])
            #expect(try await scheduler.waitForExit() == 1)
            let names = try scheduler.parsedLines().compactMap(\.name)
            #expect(names.contains("config.invalid"), "\(names)")
            #expect(!names.contains("store.unavailable"), "not an outage: \(names)")
            #expect(scheduler.allOutput.contains(problem), "\(scheduler.allOutput)")
            #expect(!scheduler.allOutput.contains(Self.password), "\(scheduler.allOutput)")
        }
    }
}
