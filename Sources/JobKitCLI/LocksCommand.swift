import ArgumentParser
import JobKit

/// `jobkit locks [list|release ID]`: who holds what.
struct LocksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locks",
        abstract: "List the locks, or force-release one.",
        subcommands: [LocksListCommand.self, LocksReleaseCommand.self],
        defaultSubcommand: LocksListCommand.self
    )
}

/// `jobkit locks list`.
struct LocksListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show every lock: status, holder, since and until when, last tick."
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: "A jobs file whose \"database\" names the store.")
    var config: String?

    func run() async throws {
        let store = try LockStoreURL.makeStore(options.storeURL(fromFile: try config.map { try JobsFileChoice.load($0).database } ?? nil))
        let locks: [LockState]
        do {
            locks = try await store.locks()
        } catch {
            printError("jobkit locks: \(error)")
            throw ExitCode(1)
        }
        let header = ["LOCK", "STATUS", "OWNER", "TOKEN", "SINCE", "UNTIL", "LAST TICK"]
        let rows = locks.map { lock in
            [
                lock.lockID, lock.status.rawValue, lock.owner, String(lock.token), lock.acquiredAt.jobKitTimestamp,
                lock.expiresAt?.jobKitTimestamp ?? "never", lock.lastTick?.jobKitTimestamp ?? "-",
            ]
        }
        print(TextTable(header: header, rows: rows).rendered)
        if locks.isEmpty { print("(no locks in \(store))") }
    }
}

/// `jobkit locks release ID --yes`.
struct LocksReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Force-release a lock, whoever holds it.",
        discussion: "The holder is not told: it finds out at its next heartbeat (lock.lost) or release, and a new holder may start at once. Use it for a lock left by a machine known to be gone."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The lock id.")
    var lockID: String

    @Flag(help: "Confirm the force-release.")
    var yes = false

    @Option(help: "A jobs file whose \"database\" names the store.")
    var config: String?

    func validate() throws {
        guard yes else {
            throw ValidationError("Force-releasing \"\(lockID)\" lets another process run it at once, even if its holder is still running. Add --yes to do it.")
        }
    }

    func run() async throws {
        let store = try LockStoreURL.makeStore(options.storeURL(fromFile: try config.map { try JobsFileChoice.load($0).database } ?? nil))
        do {
            if try await store.forceRelease(lockID) {
                print("Released \"\(lockID)\".")
            } else {
                print("\"\(lockID)\" was not held.")
            }
        } catch {
            printError("jobkit locks release: \(error)")
            throw ExitCode(1)
        }
    }
}
