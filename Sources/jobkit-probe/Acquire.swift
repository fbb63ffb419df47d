import ArgumentParser
import Foundation
import JobKit

/// Takes a lock as soon as it can be had (retrying while it is held, for example until the
/// holder's TTL passes), prints what it took over, holds it until a line `release` arrives on
/// stdin (or stdin closes), then releases and reports what the release found.
///
/// Without `--lock` it takes the default lock id of its own ``ReportJob``, a job type named
/// like one in the tests, so they can show that equal names in two modules lock different ids.
struct Acquire: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take a lock as soon as it is free or expired, and hold it until told to release it."
    )

    /// A job type whose name inside its module is the same as a test's (`Acquire.ReportJob`).
    struct ReportJob: NonOverlappingJob {
        func runWorker(context: JobContext) async throws {}
    }

    @OptionGroup var store: StoreOptions

    @Option(help: "The lock id; by default the default lock id of the probe's Acquire.ReportJob.")
    var lock: String?

    @Option(help: "The TTL in milliseconds; omit for the default, 0 for none.")
    var ttlMs: Int?

    @Option(help: "How long to keep retrying while the lock is held, in milliseconds.")
    var waitMs: Int = 0

    @Option(help: "How long to pause between tries, in milliseconds.")
    var retryMs: Int = 20

    func run() throws {
        let ttl: LockTTL = switch ttlMs {
        case nil: .default
        case 0?: .never
        case let milliseconds?: .duration(.milliseconds(milliseconds))
        }
        let lockID = lock ?? ReportJob.jobTypeName
        let mutex = try store.mutex(ttl: ttl)
        let deadline = Date().addingTimeInterval(Double(waitMs) / 1000)
        var tries = 0
        while true {
            tries += 1
            do {
                try mutex.withLease(lockID) { lease in
                    var fields: [String: Any] = [
                        "acquired": true, "token": lease.token, "owner": lease.owner, "lock_id": lease.lockID,
                        "job_type": ReportJob.jobTypeName, "tries": tries,
                    ]
                    if let recovered = lease.recovered {
                        fields["recovered_from"] = recovered.previous.owner
                        fields["recovered_token"] = recovered.previous.token
                        fields["recovered_reason"] = recovered.reason.rawValue
                    }
                    emit(fields)
                    while let line = readLine(), line != "release" {}
                }
                emit(["outcome": "released"])
                return
            } catch let error as DBMutexError {
                guard Date() < deadline else {
                    emit(["acquired": false, "holder": error.holder?.owner ?? "", "error": "\(error)", "tries": tries])
                    return
                }
                usleep(useconds_t(retryMs * 1000))
            } catch let error as DBMutexTimeoutError {
                var fields: [String: Any] = ["outcome": "timeout", "overlapped": error.overlapped]
                if let holder = error.newHolder { fields["new_token"] = holder.token; fields["new_owner"] = holder.owner }
                emit(fields)
                return
            }
        }
    }
}
