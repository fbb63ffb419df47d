import Foundation
import Testing

extension CLI {
    /// `jobkit validate CONFIG`: every problem of a file at once, or a clean bill.
    @Suite struct ValidateTests {
        /// A jobs file with four problems: a top-level typo, a bad duration, an unknown type
        /// and a misspelt shell parameter.
        static let brokenFile = """
            {
              "databse": "sqlite:locks.sqlite",
              "jobs": [
                {"name": "report", "type": "shell", "every": "5x", "parameters": {"command": ["true"]}},
                {"name": "cleanup", "type": "shel", "every": "1m"},
                {"name": "backup", "type": "shell", "every": "1h", "parameters": {"comand": ["true"]}}
              ]
            }
            """

        /// What the reports of ``brokenFile`` must name: each job with its field, and the typo.
        static let brokenFileProblems = [
            #"unknown key "databse"; did you mean "database"?"#,
            #"job #1 "report": field "every""#,
            #"job #2 "cleanup": field "type""#,
            #"job #3 "backup": field "parameters""#,
            #"did you mean "command"?"#,
        ]

        @Test func aFileWithSeveralErrorsGetsThemAllWithFileJobAndFieldAndExitStatusOne() async throws {
            let directory = try TemporaryDirectory()
            let path = try CLI.writeFile(in: directory, name: "broken.json", Self.brokenFile)
            let validate = try await JobKitProcess.run(["validate", path])
            #expect(try await validate.waitForExit() == 1)

            #expect(validate.stdoutLines.isEmpty, "\(validate.allOutput)")
            var lines = validate.stderr.split(separator: "\n").map(String.init)
            #expect(lines.first == "Error: \(path) is not valid: 4 problems:", "\(lines)")
            lines.removeFirst()
            #expect(lines.count == 4, "one line per problem: \(lines)")
            #expect(lines.allSatisfy { $0.hasPrefix("    " + path + ":") }, "each, indented, names the file and the position: \(lines)")
            for expected in Self.brokenFileProblems {
                #expect(lines.contains { $0.contains(expected) }, "a line names \(expected): \(lines)")
            }
            #expect(!validate.stderr.contains("Fatal error"), "\(validate.stderr)")
        }

        @Test func theExampleFileIsValid() async throws {
            let path = TestDatabase.packageRoot + "/jobs.example.json"
            let validate = try await JobKitProcess.run(["validate", path])
            #expect(try await validate.waitForExit() == 0, "\(validate.allOutput)")
            #expect(validate.stdoutLines == [
                "\(path): valid, 4 jobs (3 enabled); database URL sqlite:jobkit.sqlite is well-formed (not connected)."
            ])
        }

        @Test func theDatabaseURLIsCheckedWithoutConnecting() async throws {
            let directory = try TemporaryDirectory()
            let job: [String: Any] = ["name": "one", "type": "shell", "every": "1m", "parameters": ["command": ["true"]]]
            let file: [String: Any] = ["database": "mysql://jobs:secret@db/jobs", "jobs": [job]]
            let path = directory.path("jobs.json")
            try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: path))

            // The file's own URL is checked even when --database-url takes precedence here:
            // another machine without the flag would use it.
            for extra in [[], ["--database-url", "sqlite:" + directory.path("ok.sqlite")]] {
                let validate = try await JobKitProcess.run(["validate", path] + extra)
                #expect(try await validate.waitForExit() == 1, "\(validate.allOutput)")
                #expect(validate.stderr.hasPrefix("Error: \(path) is not valid: 1 problem:\n"), "\(validate.allOutput)")
                #expect(validate.stderr.contains(#"its "database": Unsupported database URL "mysql://jobs:***@db/jobs""#), "\(validate.allOutput)")
                #expect(!validate.allOutput.contains("secret"))
            }

            // A libpq keyword string naming a server that does not exist is well-formed:
            // nothing connects, and a malformed one is refused.
            let fine = try CLI.writeJobsFile(in: directory, name: "fine.json", jobs: [job])
            let keywords = "host=db.invalid dbname=jobs user=jobs password=secret connect_timeout=1"
            let validate = try await JobKitProcess.run(["validate", fine, "--database-url", keywords, "--log-format", "json"])
            #expect(try await validate.waitForExit() == 0, "\(validate.allOutput)")
            #expect(validate.stdoutLines.first?.contains("1 job (1 enabled); database URL host=db.invalid dbname=jobs user=jobs password=*** ") == true, "\(validate.allOutput)")
            let malformed = try await JobKitProcess.run(["validate", fine, "--database-url", "host=db dbname='jobs"])
            #expect(try await malformed.waitForExit() == 1, "\(malformed.allOutput)")
            #expect(malformed.stderr.contains("the database URL:"), "\(malformed.allOutput)")
        }

        @Test func aMissingFileIsReportedWithItsPath() async throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("nowhere.json")
            let validate = try await JobKitProcess.run(["validate", path])
            #expect(try await validate.waitForExit() == 1)
            #expect(validate.stdoutLines.isEmpty)
            #expect(validate.stderr.contains("\n    " + path + ": "), "\(validate.allOutput)")
        }
    }
}
