import Foundation

/// A PostgreSQL primary and a streaming standby of it, each on a free loopback port, made by
/// `scripts/test-postgres-standby` for one failover test and stopped after it.
final class StandbyPair: Sendable {
    /// How the standby follows the primary.
    enum Replication: Sendable {
        /// Every commit the primary acknowledges is on the standby.
        case synchronous
        /// The standby applies each commit this many whole seconds late
        /// (`recovery_min_apply_delay`), and a failover loses what it had not applied.
        case asynchronous(delaySeconds: Int)

        var arguments: [String] {
            switch self {
            case .synchronous: ["sync"]
            case .asynchronous(let delay): ["async", String(delay)]
            }
        }
    }

    /// One multi-host URL naming the primary, then the standby, with
    /// `target_session_attrs=read-write`: libpq connects to whichever accepts writes.
    let url: String
    private let directory: TemporaryDirectory
    private var servers: String { directory.path("servers") }

    private init(url: String, directory: TemporaryDirectory) {
        self.url = url
        self.directory = directory
    }

    /// Starts a pair, runs `body` with it, and stops both servers, also when `body` throws.
    static func with<T>(_ replication: Replication, _ body: (StandbyPair) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory()
        let servers = directory.path("servers")
        // initdb, a base backup and two starts take seconds: off the cooperative pool.
        let output: String
        do {
            output = try await offPool {
                try ScriptRunner.run("test-postgres-standby", ["start", servers] + replication.arguments, output: directory.path("start.out"))
            }
        } catch {
            _ = try? ScriptRunner.run("test-postgres-standby", ["stop", servers], output: directory.path("stop.out"))
            throw error
        }
        let pair = StandbyPair(url: output.split(separator: "\n").last.map(String.init) ?? "", directory: directory)
        do {
            let result = try await body(pair)
            try await pair.stop()
            return result
        } catch {
            try? await pair.stop()
            throw error
        }
    }

    /// Crashes the primary (an immediate stop). An asynchronous standby's replay is paused
    /// first, where `promote()` will end it.
    func crash() async throws {
        _ = try await script("crash")
    }

    /// Promotes the standby and returns how many seconds of commits the failover lost
    /// (0 for a synchronous standby).
    func promote() async throws -> Double {
        let output = try await script("promote")
        return output.split(separator: "\n").last.flatMap { Double($0) } ?? -1
    }

    private func stop() async throws {
        _ = try await script("stop")
    }

    private func script(_ action: String) async throws -> String {
        let servers = servers
        let output = directory.path(action + ".out")
        return try await offPool { try ScriptRunner.run("test-postgres-standby", [action, servers], output: output) }
    }
}
