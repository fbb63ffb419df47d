import Foundation
import JobKit
import Testing

/// TLS for real: a server with `ssl=on` and a CA and server certificate made with openssl by
/// `scripts/test-postgres-tls`. `sslmode=verify-full` with that CA works; with another CA the
/// scheduler stops at once with a clear error instead of retrying an "outage".
@Suite(.serialized)
struct PostgresTLSTests {
    static let canRun = FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")

    /// Starts the TLS server in `directory`, runs `body` with its URL, and stops it.
    private func withTLSServer(_ body: (String, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        // initdb and the server's start take seconds: off the cooperative pool, which other
        // tests share.
        let url = try await offPool { try Self.script("start", directory) }.split(separator: "\n").last.map(String.init) ?? ""
        do {
            try await body(url, directory)
        } catch {
            _ = try? await offPool { try Self.script("stop", directory) }
            throw error
        }
        _ = try await offPool { try Self.script("stop", directory) }
    }

    private static func script(_ action: String, _ directory: TemporaryDirectory) throws -> String {
        try ScriptRunner.run("test-postgres-tls", [action, directory.url.path], output: directory.path("script-\(action).out"))
    }

    @Test(.enabled(if: canRun, "needs openssl"))
    func verifyFullWorksWithTheRightCAAndAWrongCAStopsTheSchedulerAtOnce() async throws {
        try await withTLSServer { url, directory in
            let right = url + "?sslmode=verify-full&sslrootcert=" + directory.path("ca.crt")
            let released = try await offPool { () throws -> ReleaseResult? in
                let store = try PostgresLockStore(url: right)
                let request = LockRequest(lockID: "tls-verify-full", owner: "tls", ttl: .seconds(60), liveness: nil)
                guard let lease = try store.acquire(request).lease else { return nil }
                return try store.release(lease)
            }
            #expect(released == .released)

            let wrong = url + "?sslmode=verify-full&sslrootcert=" + directory.path("wrong-ca.crt")
            let config = try CLI.writeJobsFile(in: directory, jobs: [
                CLI.shellJob("tls", every: "1s", script: "touch ran", in: directory),
            ])
            let scheduler = try await JobKitProcess.run(["run", config, "--database-url", wrong])
            #expect(try await scheduler.waitForExit(timeout: .seconds(30)) == 1)
            let lines = try scheduler.parsedLines()
            #expect(lines.compactMap(\.name) == ["scheduler.started", "config.invalid"], "\(scheduler.allOutput)")
            let invalid = try #require(lines.last)
            #expect(invalid["cause"] == "TLS verification failed", "\(invalid)")
            #expect(invalid["error"]?.contains("certificate verify failed") == true, "\(invalid)")
            #expect(!FileManager.default.fileExists(atPath: directory.path("ran")))
        }
    }
}
