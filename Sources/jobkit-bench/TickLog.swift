import Foundation
import Synchronization

/// What a job saw of its runs: for each run, the tick it was for and the instant its worker
/// started. Shared between the job value (copied into the scheduler) and the benchmark.
final class TickLog: Sendable {
    /// One run.
    struct Entry: Sendable {
        var tick: Date
        var start: Date
        /// `start − tick`, in milliseconds.
        var latenessMs: Double { start.timeIntervalSince(tick) * 1000 }
    }

    private let entries = Mutex([Entry]())

    func record(tick: Date, start: Date) {
        entries.withLock { $0.append(Entry(tick: tick, start: start)) }
    }

    /// Every run so far, in the order the workers started.
    var all: [Entry] { entries.withLock { $0 } }

    /// The latest tick seen so far.
    var latestTick: Date? { entries.withLock { $0.last?.tick } }
}
