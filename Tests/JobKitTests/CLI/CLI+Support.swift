import Foundation
import Testing

extension CLI {
    /// The store URL of a test's own SQLite file in `directory`.
    static func databaseURL(in directory: TemporaryDirectory) -> String {
        "sqlite:" + directory.path("locks.sqlite")
    }

    /// Writes a jobs file with `jobs` and the test's own SQLite store to `directory` and
    /// returns its path. JSONSerialization writes it, so scripts need no escaping by hand.
    static func writeJobsFile(
        in directory: TemporaryDirectory, name: String = "jobs.json", jobs: [[String: Any]]
    ) throws -> String {
        let file: [String: Any] = ["database": databaseURL(in: directory), "jobs": jobs]
        let path = directory.path(name)
        try JSONSerialization.data(withJSONObject: file, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `text` to `name` in `directory` and returns its path.
    static func writeFile(in directory: TemporaryDirectory, name: String, _ text: String) throws -> String {
        let path = directory.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A `shell` job entry that runs `script` with `/bin/sh -c` in `directory`, every `every`.
    static func shellJob(
        _ name: String, every: String, script: String, in directory: TemporaryDirectory, extra: [String: Any] = [:]
    ) -> [String: Any] {
        var job: [String: Any] = [
            "name": name, "type": "shell", "every": every,
            "parameters": ["command": [script], "shell": true, "cwd": directory.url.path, "timeout": "2m"],
        ]
        job.merge(extra) { _, new in new }
        return job
    }

    /// A script that marks its start in `started-TOKEN`, then waits until a file `go` appears
    /// in its working directory: a run that lasts exactly as long as the test wants. It gives
    /// up by itself after about a minute, so a failed test leaves nothing running.
    static let gatedScript = #"touch "started-$JOBKIT_LOCK_TOKEN"; i=0; while [ ! -e go ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done"#

    /// `jobkit locks list` on `databaseURL`, as one dictionary per row keyed by the header
    /// (`LOCK`, `STATUS`, `OWNER`, …). Columns are padded with two spaces or more; no cell
    /// holds two spaces in a row.
    static func lockRows(databaseURL: String) async throws -> [[String: String]] {
        let list = try await JobKitProcess.run(["locks", "list", "--database-url", databaseURL])
        #expect(try await list.waitForExit() == 0, "jobkit locks list: \(list.allOutput)")
        func cells(_ line: String) -> [String] {
            line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard let header = list.stdoutLines.first.map(cells) else { return [] }
        return list.stdoutLines.dropFirst().filter { !$0.hasPrefix("(") }.map { line in
            Dictionary(uniqueKeysWithValues: zip(header, cells(line)))
        }
    }
}
