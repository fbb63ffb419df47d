import Foundation
@testable import JobKit
import Testing

/// `jobs.example.json` at the repository root loads without a problem and shows every key.
@Suite struct JobsFileExampleTests {
    static let examplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Config
        .deletingLastPathComponent()  // JobKitTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the repository
        .appendingPathComponent("jobs.example.json").path

    @Test func theExampleLoadsWithTheShellType() throws {
        let file = try JobsFileLoader(catalog: TestJobTypeCatalog()).load(contentsOf: Self.examplePath)
        #expect(file.database == "sqlite:jobkit.sqlite")
        #expect(file.jobs.map(\.name) == ["heartbeat-file", "disk-usage", "greeting", "clear-example-log"])
        #expect(file.jobs.allSatisfy { $0.type == "shell" })
        #expect(file.enabledJobs.map(\.name) == ["heartbeat-file", "disk-usage", "greeting"])
        #expect(file.jobs.first?.schedule == .every(.seconds(10)))
        #expect(file.jobs.first { $0.name == "greeting" }?.lockID == "jobkit-example-greeting")
    }

    @Test func theExampleShowsEveryKey() throws {
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.examplePath)))
                as? [String: Any]
        )
        let defaults = try #require(root["defaults"] as? [String: Any])
        let jobs = try #require(root["jobs"] as? [[String: Any]])
        let jobKeys = Set(jobs.flatMap(\.keys))
        let shellKeys = Set(jobs.compactMap { $0["parameters"] as? [String: Any] }.flatMap(\.keys))

        #expect(Set(root.keys) == Set(JobsFileKeys.topLevel))
        #expect(Set(defaults.keys) == Set(JobsFileKeys.defaults))
        #expect(jobKeys == Set(JobsFileKeys.job))
        #expect(shellKeys == ["command", "shell", "env", "cwd", "timeout"])
    }
}
