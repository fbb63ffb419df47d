import Foundation
import JobKit

/// A job whose worker only notes the instant it started and the tick it runs for.
struct TickRecorderJob: NonOverlappingJob {
    static var jobTypeName: String { "jobkit-bench.tick-recorder" }

    let log: TickLog

    func runWorker(context: JobContext) async throws {
        let start = Date()
        if let tick = context.tick { log.record(tick: tick, start: start) }
    }
}
