import Logging
import Synchronization

/// Reports store outages once: `store.unavailable` on the first failure of an outage (and
/// again when its kind changes between one a retry may fix and one no retry can fix),
/// `store.recovered` on the first success after it; sets `jobkit_store_up`, and remembers
/// when the store last answered for readiness probes. Shared by every job of a scheduler.
final class StoreHealth: Sendable {
    private struct State {
        /// Nil while the store answers; during an outage, whether its last report was permanent.
        var permanent: Bool?
        /// The outage's latest error, for probes.
        var error: String?
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
        return (state.lastAnswer.map { ContinuousClock.now - $0 }, state.error)
    }

    /// The store failed; reports the outage if it is new.
    ///
    /// A failure of an attempt that began (`attemptStarted`) before the store last answered is
    /// stale and ignored: the store answered since. (Jobs fire concurrently, so while a
    /// failover ends, one job's connect begun before it may fail after another job's succeeded;
    /// reported, it would be an outage that is already over.)
    func failed(_ error: any Error, job: String?, attemptStarted: ContinuousClock.Instant? = nil) {
        let cause = (error as? any LockStoreError)?.permanentCause
        let isNew: Bool? = state.withLock { state in
            if state.permanent == nil, let attemptStarted, let answer = state.lastAnswer, answer > attemptStarted {
                return nil
            }
            defer {
                state.permanent = cause != nil
                state.error = "\(error)"
            }
            return state.permanent != (cause != nil)
        }
        guard let isNew else { return }
        metrics.storeUp(false)
        guard isNew else { return }
        var fields: Logger.Metadata = [
            LogKeys.store: .string(store), LogKeys.error: .string("\(error)"), LogKeys.permanent: .bool(cause != nil),
        ]
        if let cause { fields[LogKeys.cause] = .string(cause) }
        if let job { fields[LogKeys.job] = .string(job) }
        let message: Logger.Message = cause.map {
            "The lock store refuses this scheduler and no retry can fix it (\($0)); jobs do not run until a person does. Retrying."
        } ?? "The lock store cannot be reached; jobs do not run until it returns."
        logger.jobEvent(.storeUnavailable, level: .error, message, fields)
    }

    /// The store answered; reports the end of an outage if there was one.
    func succeeded() {
        metrics.storeUp(true)
        let wasDown = state.withLock { state in
            defer {
                state.permanent = nil
                state.error = nil
                state.lastAnswer = .now
            }
            return state.permanent != nil
        }
        guard wasDown else { return }
        logger.jobEvent(
            .storeRecovered, level: .info, "The lock store is reachable again.", [LogKeys.store: .string(store)]
        )
    }
}
