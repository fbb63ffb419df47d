import ArgumentParser
import Foundation
import JobKit
import Logging

/// A small program the tests start as real OS processes, to show the lock's guarantees across
/// processes rather than across threads sharing memory. Not a user-facing tool.
@main
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobkit-probe",
        abstract: "Test helper: races on or holds a lock from its own process.",
        subcommands: [Race.self, Hold.self, Acquire.self, WithDBMutex.self]
    )
}

/// Options every probe command takes.
struct StoreOptions: ParsableArguments {
    @Option(help: "The store URL (postgres://…, django+postgres://…, sqlite:…, memory:).")
    var databaseURL: String

    @Option(help: "The lock table.")
    var table: String = "jobkit_locks"

    @Option(help: "Heartbeat interval in milliseconds.")
    var heartbeatIntervalMs: Int = 10_000

    @Option(help: "Heartbeat window in milliseconds.")
    var heartbeatWindowMs: Int = 30_000

    @Option(help: "The owner string other processes see.")
    var owner: String = LockOwner.current

    func mutex(ttl: LockTTL) throws -> DBMutex {
        let store: any LockStore
        if databaseURL.hasPrefix("postgres") {
            var configuration = PostgresLockStore.Configuration()
            configuration.table = try TableName(table)
            store = try PostgresLockStore(url: databaseURL, configuration: configuration)
        } else {
            store = try LockStoreURL.makeStore(databaseURL)
        }
        var logger = Logger(label: "jobkit-probe", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        return DBMutex(
            store: store, owner: owner, ttl: ttl,
            heartbeat: HeartbeatPolicy(
                interval: .milliseconds(heartbeatIntervalMs), window: .milliseconds(heartbeatWindowMs)
            ),
            logger: logger
        )
    }
}

/// Prints one JSON object as a line on stdout and flushes it.
func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// CLOCK_MONOTONIC in nanoseconds: one time line shared by every process of the machine.
func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}
