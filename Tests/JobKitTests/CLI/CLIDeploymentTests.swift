import Foundation
import Testing

extension CLI {
    /// The README's "Install and run in production": the systemd unit says what the README
    /// says about it, systemd accepts it, and the password file it relies on works.
    @Suite struct DeploymentTests {
        /// The section's text, and its `ini` block (the unit).
        static func unit() throws -> String {
            let readme = try String(contentsOfFile: TestDatabase.packageRoot + "/README.md", encoding: .utf8)
            let section = try #require(readme.components(separatedBy: "## Install and run in production").dropFirst().first)
            let block = try #require(section.components(separatedBy: "```ini\n").dropFirst().first)
            return try #require(block.components(separatedBy: "```").first)
        }

        /// The value of `key=` in the unit, or nil.
        static func value(_ key: String, in unit: String) -> String? {
            unit.split(separator: "\n").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
        }

        @Test func theUnitStopsGracefullyAndRestartsWithoutAPassword() throws {
            let unit = try Self.unit()
            #expect(Self.value("KillMode", in: unit) == "mixed", "SIGTERM to jobkit alone, not to every job")
            let exec = try #require(Self.value("ExecStart", in: unit))
            let words = exec.split(separator: " ").map(String.init)
            let graceIndex = try #require(words.firstIndex(of: "--shutdown-grace"))
            let grace = try #require(Int(words[graceIndex + 1]))
            let timeout = try #require(Self.value("TimeoutStopSec", in: unit).flatMap { Int($0) })
            #expect(timeout >= grace + 10, "TimeoutStopSec \(timeout) leaves room for a grace of \(grace) s")
            #expect(Self.value("Restart", in: unit) == "on-failure")
            let line = try #require(unit.split(separator: "\n").first { $0.hasPrefix("Environment=JOBKIT_DATABASE_URL=") })
            let url = try #require(URLComponents(string: String(line.dropFirst("Environment=JOBKIT_DATABASE_URL=".count))))
            #expect(url.user != nil && url.password == nil, "no password in the unit: \(line)")
            #expect(unit.contains("Environment=PGPASSFILE="))
        }

        /// `systemd-analyze verify` (when this machine has it) accepts the unit without a word,
        /// with the binary path pointing at the `jobkit` these tests run.
        @Test func systemdAcceptsTheUnit() throws {
            let analyze = "/usr/bin/systemd-analyze"
            guard FileManager.default.isExecutableFile(atPath: analyze) else { return }
            let directory = try TemporaryDirectory()
            let unit = try Self.unit().replacingOccurrences(of: "/usr/local/bin/jobkit", with: JobKitProcess.executable.path)
            let path = directory.path("jobkit.service")
            try Data(unit.utf8).write(to: URL(fileURLWithPath: path))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: analyze)
            process.arguments = ["verify", path]
            let stderr = Pipe()
            process.standardError = stderr
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let complaints = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(complaints)")
            #expect(!complaints.contains(path), "systemd complains about the unit: \(complaints)")
        }

        /// A URL without its password works when PGPASSFILE names a file with it, as the unit
        /// does; without the file the same URL is refused (the server asks for a password).
        @Test func aPasswordFileSuppliesThePassword() async throws {
            var components = try #require(URLComponents(string: try TestDatabase.url))
            guard let password = components.password, !password.isEmpty else { return }
            let host = components.host ?? "localhost"
            let port = components.port ?? 5432
            let database = String(components.path.dropFirst())
            let user = components.user ?? ""
            components.password = nil
            let url = try #require(components.string)

            let directory = try TemporaryDirectory()
            let passfile = directory.path("pgpass")
            try Data("\(host):\(port):\(database):\(user):\(password)\n".utf8).write(to: URL(fileURLWithPath: passfile))
            #expect(chmod(passfile, 0o600) == 0)

            let withFile = try await JobKitProcess.run(["migrate", "--database-url", url], environment: ["PGPASSFILE": passfile])
            #expect(try await withFile.waitForExit() == 0, "\(withFile.allOutput)")
            let without = try await JobKitProcess.run(
                ["migrate", "--database-url", url], environment: ["PGPASSFILE": directory.path("none"), "PGPASSWORD": ""]
            )
            #expect(try await without.waitForExit() == 1, "\(without.allOutput)")
            #expect(!withFile.allOutput.contains(password) && !without.allOutput.contains(password))
        }
    }
}
