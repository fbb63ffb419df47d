import ArgumentParser
import Foundation
import JobKit

/// Tries a lock many times; inside each critical section it claims an occupancy marker file
/// with O_EXCL, so two processes inside at once are caught by the file system, not by JobKit.
struct Race: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Race other processes for one lock.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The lock id.")
    var lock: String

    @Option(help: "How many acquisitions to attempt.")
    var attempts: Int = 500

    @Option(help: "How long to stay in the critical section, in microseconds.")
    var holdMicroseconds: Int = 200

    @Option(help: "The occupancy marker file.")
    var marker: String

    @Option(help: "Wait until this file exists before starting (a start barrier).")
    var startFile: String?

    @Option(help: "Instead of a number of attempts, go on until this file exists (and --min-acquisitions are reached).")
    var stopFile: String?

    @Option(help: "With --stop-file: the fewest acquisitions to make before stopping.")
    var minAcquisitions: Int = 1

    func run() throws {
        let mutex = try store.mutex(ttl: .seconds(600))
        emit(["ready": true])
        if let startFile {
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: startFile) {
                guard Date() < deadline else { throw ValidationError("the start file never appeared") }
                usleep(1000)
            }
        }
        var acquisitions: [[Int64]] = []   // [token, acquired at (monotonic ns)]
        var refusals = 0
        var overlaps = 0
        var attempt = 0
        let stopDeadline = Date().addingTimeInterval(300)
        while stopFile.map({ _ in Date() < stopDeadline }) ?? (attempt < attempts) {
            attempt += 1
            if let stopFile, acquisitions.count >= minAcquisitions, FileManager.default.fileExists(atPath: stopFile) {
                break
            }
            do {
                try mutex.withLease(lock) { lease in
                    let acquiredAt = monotonicNanoseconds()
                    let fd = open(marker, O_CREAT | O_EXCL | O_WRONLY, 0o600)
                    if fd < 0 { overlaps += 1 } else { close(fd) }
                    usleep(useconds_t(holdMicroseconds))
                    if fd >= 0 { unlink(marker) }
                    acquisitions.append([lease.token, acquiredAt])
                }
            } catch is DBMutexError {
                refusals += 1
            }
        }
        emit(["acquisitions": acquisitions, "refusals": refusals, "overlaps": overlaps])
    }
}
