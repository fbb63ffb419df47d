import Logging
import Synchronization

/// Reports store outages once: `store.unavailable` on the first failure of an outage,
/// `store.recovered` on the first success after it; sets `jobkit_store_up`, and remembers
/// when the store last answered for readiness probes. Shared by every job of a scheduler.
final class StoreHealth: Sendable {
    private struct State {
        var outage: String?
        var lastAnswer: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let logger: Logger
    private let metrics: JobKitMetrics
    private let store: String

    init(logger: Logger, metrics: JobKitMetrics, store: String) {
        self.logger = logger
        self.metrics = metrics
        self.store = store
    }

    /// How long ago the store last answered, and the error of the outage going on.
    var snapshot: (answerAge: Duration?, outage: String?) {
        let state = state.withLock { $0 }
        return (state.lastAnswer.map { ContinuousClock.now - $0 }, state.outage)
    }

    /// The store failed; reports the outage if it is new.
    func failed(_ error: any Error, job: String?) {
        metrics.storeUp(false)
        let isNew = state.withLock { state in
            defer { state.outage = "\(error)" }
            return state.outage == nil
        }
        guard isNew else { return }
        var fields: Logger.Metadata = [LogKeys.store: .string(store), LogKeys.error: .string("\(error)")]
        if let job { fields[LogKeys.job] = .string(job) }
        logger.jobEvent(
            .storeUnavailable, level: .error,
            "The lock store cannot be reached; jobs do not run until it returns.", fields
        )
    }

    /// The store answered; reports the end of an outage if there was one.
    func succeeded() {
        metrics.storeUp(true)
        let wasDown = state.withLock { state in
            defer {
                state.outage = nil
                state.lastAnswer = .now
            }
            return state.outage != nil
        }
        guard wasDown else { return }
        logger.jobEvent(
            .storeRecovered, level: .info, "The lock store is reachable again.", [LogKeys.store: .string(store)]
        )
    }
}
