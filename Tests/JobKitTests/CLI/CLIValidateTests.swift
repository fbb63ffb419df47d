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

            let lines = validate.stdoutLines
            #expect(lines.count == 4, "one line per problem: \(lines)")
            #expect(lines.allSatisfy { $0.hasPrefix(path + ":") }, "each names the file and the position: \(lines)")
            for expected in Self.brokenFileProblems {
                #expect(lines.contains { $0.contains(expected) }, "a line names \(expected): \(lines)")
            }
            #expect(!validate.stderr.contains("Fatal error"), "\(validate.stderr)")
        }

        @Test func theExampleFileIsValid() async throws {
            let path = TestDatabase.packageRoot + "/jobs.example.json"
            let validate = try await JobKitProcess.run(["validate", path])
            #expect(try await validate.waitForExit() == 0, "\(validate.allOutput)")
            #expect(validate.stdoutLines == ["\(path): valid, 4 jobs (3 enabled)."])
        }

        @Test func aMissingFileIsReportedWithItsPath() async throws {
            let directory = try TemporaryDirectory()
            let path = directory.path("nowhere.json")
            let validate = try await JobKitProcess.run(["validate", path])
            #expect(try await validate.waitForExit() == 1)
            #expect(validate.stdoutLines.count == 1)
            #expect(validate.stdoutLines.first?.hasPrefix(path + ": ") == true, "\(validate.allOutput)")
        }
    }
}
