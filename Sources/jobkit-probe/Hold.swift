import ArgumentParser
import Foundation
import JobKit

/// Takes a lock and holds it, heartbeating, until a line `release` arrives on stdin (or stdin
/// closes); then releases and reports what the release found.
struct Hold: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Hold a lock until told to release it.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The lock id.")
    var lock: String

    @Option(help: "The TTL in milliseconds; omit for the default, 0 for none.")
    var ttlMs: Int?

    func run() throws {
        let ttl: LockTTL = switch ttlMs {
        case nil: .default
        case 0?: .never
        case let milliseconds?: .duration(.milliseconds(milliseconds))
        }
        let mutex = try store.mutex(ttl: ttl)
        do {
            try mutex.withLease(lock) { lease in
                var fields: [String: Any] = ["acquired": true, "token": lease.token, "owner": lease.owner]
                if let aliveUntil = lease.aliveUntil { fields["alive_until"] = aliveUntil.timeIntervalSince1970 }
                if let recovered = lease.recovered {
                    fields["recovered_from"] = recovered.previous.owner
                    fields["recovered_reason"] = recovered.reason.rawValue
                }
                emit(fields)
                while let line = readLine(), line != "release" {}
            }
            emit(["outcome": "released"])
        } catch let error as DBMutexError {
            emit(["acquired": false, "holder": error.holder?.owner ?? "", "error": "\(error)"])
        } catch let error as DBMutexTimeoutError {
            var fields: [String: Any] = ["outcome": "timeout", "overlapped": error.overlapped]
            if let holder = error.newHolder { fields["new_token"] = holder.token; fields["new_owner"] = holder.owner }
            emit(fields)
        }
    }
}
