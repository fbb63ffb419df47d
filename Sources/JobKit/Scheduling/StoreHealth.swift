import Logging
import Synchronization

/// Reports store outages once: `store.unavailable` on the first failure of an outage,
/// `store.recovered` on the first success after it. Shared by every job of a scheduler.
final class StoreHealth: Sendable {
    private let unavailable = Mutex(false)
    private let logger: Logger
    private let store: String

    init(logger: Logger, store: String) {
        self.logger = logger
        self.store = store
    }

    /// The store failed; reports the outage if it is new.
    func failed(_ error: any Error, job: String?) {
        let isNew = unavailable.withLock { state in
            defer { state = true }
            return !state
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
        let wasDown = unavailable.withLock { state in
            defer { state = false }
            return state
        }
        guard wasDown else { return }
        logger.jobEvent(
            .storeRecovered, level: .info, "The lock store is reachable again.", [LogKeys.store: .string(store)]
        )
    }
}
