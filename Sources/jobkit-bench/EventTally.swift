import Foundation
import JobKit
import Logging
import Synchronization

/// Collects the JobKit events a benchmark needs to account for (which ticks were reported as
/// skipped or misfired, and anything that went wrong) instead of printing them.
final class EventTally: Sendable {
    /// A `job.misfired` report: `count` ticks from `first` through `last` (RFC 3339 strings).
    struct Misfire: Sendable {
        var first: String
        var last: String
        var count: Int
    }

    private struct State {
        var counts: [String: Int] = [:]
        var skippedTicks: [String] = []
        var misfires: [Misfire] = []
        var problems: [String] = []
    }

    private let state = Mutex(State())

    /// A logger whose records land here.
    var logger: Logger {
        Logger(label: "jobkit-bench", factory: { _ in Handler(tally: self) })
    }

    /// How many times `event` was reported.
    func count(_ event: JobEvent) -> Int { state.withLock { $0.counts[event.rawValue] ?? 0 } }

    /// The `tick` of every `job.skipped` report, as printed (RFC 3339 with milliseconds).
    var skippedTicks: [String] { state.withLock { $0.skippedTicks } }

    /// Every `job.misfired` report.
    var misfires: [Misfire] { state.withLock { $0.misfires } }

    /// The messages of warnings and errors other than misfires, in order.
    var problems: [String] { state.withLock { $0.problems } }

    fileprivate func take(_ event: LogEvent, handlerMetadata: Logger.Metadata) {
        var fields = handlerMetadata
        if let metadata = event.metadata { fields.merge(metadata) { _, new in new } }
        guard case .string(let name)? = fields[LogKeys.event] else { return }
        func text(_ key: String) -> String? { fields[key].map { "\($0)" } }
        state.withLock { state in
            state.counts[name, default: 0] += 1
            switch name {
            case JobEvent.jobSkipped.rawValue:
                if let tick = text(LogKeys.tick) { state.skippedTicks.append(tick) }
            case JobEvent.jobMisfired.rawValue:
                if let first = text(LogKeys.firstTick), let last = text(LogKeys.tick),
                    let count = text(LogKeys.missed).flatMap({ Int($0) })
                {
                    state.misfires.append(Misfire(first: first, last: last, count: count))
                }
            default:
                if event.level >= .warning { state.problems.append("\(name): \(event.message)") }
            }
        }
    }

    private struct Handler: LogHandler {
        let tally: EventTally
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            tally.take(event, handlerMetadata: metadata)
        }
    }
}
