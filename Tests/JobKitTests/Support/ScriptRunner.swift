import Foundation
@testable import JobKitCLI
#if canImport(Glibc)
import Glibc
#endif

/// Runs a test script that starts a server (`scripts/test-postgres-tls`,
/// `scripts/test-pgbouncer`) and returns what it printed.
///
/// Spawned and reaped by hand, its output sent to a file: the server it starts outlives it
/// and may inherit its descriptors, so neither a pipe nor Foundation's `Process` would see it
/// end. The child gets an empty signal mask and default signal actions, as a shell job does
/// (`ShellCommand.startWithDefaultSignals`), so the server it starts can be stopped.
enum ScriptRunner {
    struct Failed: Error, CustomStringConvertible {
        let command: String
        let output: String
        var description: String { "\(command) failed: \(output)" }
    }

    /// Runs `script ARGUMENTS` (a path under the package's `scripts/`), its output to `output`.
    static func run(_ script: String, _ arguments: [String], output: String) throws -> String {
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let command = "exec '\(TestDatabase.packageRoot)/scripts/\(script)' \(quoted) >'\(output)' 2>&1 </dev/null"
        let shell: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = shell.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        ShellCommand.startWithDefaultSignals(&attributes)
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", nil, &attributes, argv, environ) == 0 else {
            throw Failed(command: "\(script) \(arguments.first ?? "")", output: "it could not be started")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw Failed(command: "\(script) \(arguments.first ?? "")", output: text)
        }
        return text
    }
}
