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
        abstract: "Show every lock: status, holder, since and until when, last tick.",
        discussion: "Reads the store and changes nothing: a missing SQLite file or lock table is an error (run migrate to create one)."
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: "A jobs file whose \"database\" names the store.")
    var config: String?

    @Flag(help: "Print one JSON object, {\"store\": …, \"locks\": [{\"lock_id\", \"status\", \"owner\", \"token\", \"since\", \"until\", \"alive_until\", \"released_at\", \"last_tick\"}]}, instead of a table.")
    var json = false

    func run() async throws {
        let store = try options.existingStore(config: config)
        let locks = try await store.locks()
        if json {
            print(LocksListing(store: store, locks: locks).json)
            return
        }
        let header = ["LOCK", "STATUS", "OWNER", "TOKEN", "SINCE", "UNTIL", "LAST TICK"]
        let rows = locks.map { lock in
            [
                lock.lockID, lock.status.rawValue, lock.owner, String(lock.token), lock.acquiredAt.jobKitTimestamp,
                Self.heldUntil(lock), lock.lastTick?.jobKitTimestamp ?? "-",
            ]
        }
        print(TextTable(header: header, rows: rows).rendered)
        if locks.isEmpty { print("(no locks in \(store) yet)") }
    }

    /// Until when the lock is or was held: the release for a released lock, the liveness
    /// deadline for a dead holder, else the TTL deadline ("never" without one).
    static func heldUntil(_ lock: LockState) -> String {
        switch lock.status {
        case .released: lock.releasedAt?.jobKitTimestamp ?? "-"
        case .dead: lock.aliveUntil?.jobKitTimestamp ?? "-"
        case .held, .expired: lock.expiresAt?.jobKitTimestamp ?? "never"
        }
    }
}

/// `jobkit locks release ID --yes`.
struct LocksReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Force-release a lock, whoever holds it.",
        discussion: "The holder is not told: it finds out at its next heartbeat (lock.lost) or release, and a new holder may start at once. Use it for a lock left by a machine known to be gone. A lock the store has no row for is an error; one that is already free is not."
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
        let store = try options.existingStore(config: config)
        let locks = try await store.locks()
        guard let lock = locks.first(where: { $0.lockID == lockID }) else {
            throw UnknownLockError(lockID: lockID, store: store.description, known: locks.map(\.lockID))
        }
        if try await store.forceRelease(lockID) {
            print("Released \"\(lockID)\" (held by \(lock.owner), token \(lock.token)).")
        } else {
            print("\"\(lockID)\" is not held (released at \(LocksListCommand.heldUntil(lock))); nothing to release.")
        }
    }
}
