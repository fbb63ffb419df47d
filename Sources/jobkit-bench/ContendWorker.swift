import ArgumentParser
import Foundation
import JobKit
import Logging

/// One racing process of `jobkit-bench contend` (started by it; not for direct use).
struct ContendWorker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contend-worker",
        abstract: "One racer of `contend` (internal).",
        shouldDisplay: false
    )

    struct Result: Codable {
        /// [acquire returned, critical section ended, release returned], CLOCK_MONOTONIC nanoseconds.
        var held: [[Int64]] = []
        var refusals = 0
        var markerOverlaps = 0
    }

    @Option var databaseURL: String
    @Option var lock: String
    @Option var startNs: Int64
    @Option var endNs: Int64
    @Option var holdMs: Double
    @Option var retryDelayUs: Int
    @Option var waitS: Double?
    @Option var marker: String
    @Option var output: String

    func run() throws {
        let mutex = DBMutex(
            store: try LockStoreURL.makeStore(databaseURL), owner: "bench-\(getpid())", ttl: .seconds(60),
            logger: Logger(label: "jobkit-bench", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        var result = Result()
        while monotonicNanoseconds() < startNs { usleep(200) }
        let hold = useconds_t(holdMs * 1000)
        while monotonicNanoseconds() < endNs {
            var acquiredAt: Int64 = 0
            var bodyEnded: Int64 = 0
            do {
                try mutex.withLock(lock, wait: waitS.map { .milliseconds(Int64($0 * 1000)) }) {
                    acquiredAt = monotonicNanoseconds()
                    let fd = open(marker, O_CREAT | O_EXCL | O_WRONLY, 0o600)
                    if fd < 0 { result.markerOverlaps += 1 } else { close(fd) }
                    usleep(hold)
                    if fd >= 0 { unlink(marker) }
                    bodyEnded = monotonicNanoseconds()
                }
                result.held.append([acquiredAt, bodyEnded, monotonicNanoseconds()])
            } catch is DBMutexError {
                result.refusals += 1
                // With --wait the mutex already waited (and gave up); without it, retry by hand.
                if waitS == nil { usleep(useconds_t(retryDelayUs)) }
            }
        }
        try JSONEncoder().encode(result).write(to: URL(fileURLWithPath: output))
    }
}
