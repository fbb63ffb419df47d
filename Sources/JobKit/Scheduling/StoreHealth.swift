import Logging
import Synchronization

/// Reports store outages once: `store.unavailable` on the first failure of an outage (and
/// again when its kind changes between one a retry may fix and one no retry can fix),
/// `store.recovered` on the first success after it. Shared by every job of a scheduler.
final class StoreHealth: Sendable {
    /// Nil while the store answers; during an outage, whether its last report was permanent.
    private let outage = Mutex<Bool?>(nil)
    private let logger: Logger
    private let store: String

    init(logger: Logger, store: String) {
        self.logger = logger
        self.store = store
    }

    /// The store failed; reports the outage if it is new.
    func failed(_ error: any Error, job: String?) {
        let cause = (error as? any LockStoreError)?.permanentCause
        let isNew = outage.withLock { state in
            defer { state = cause != nil }
            return state != (cause != nil)
        }
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
        let wasDown = outage.withLock { state in
            defer { state = nil }
            return state != nil
        }
        guard wasDown else { return }
        logger.jobEvent(
            .storeRecovered, level: .info, "The lock store is reachable again.", [LogKeys.store: .string(store)]
        )
    }
}
