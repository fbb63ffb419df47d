import Logging
import Synchronization

extension DBMutex {
    private static let bootstrapped = Mutex<DBMutex?>(nil)

    /// Sets the mutex that `withDBMutex` and `dbMutex` use.
    ///
    /// Call it once at start-up, the way django-db-mutex reads its settings. Calling it again
    /// replaces the mutex for later calls.
    public static func bootstrap(_ mutex: DBMutex) {
        bootstrapped.withLock { $0 = mutex }
    }

    /// The mutex set by ``bootstrap(_:)``; without one, a mutex on the store named by
    /// `JOBKIT_DATABASE_URL`, or on the embedded default store when that is not set, logging
    /// through swift-log's global system under the label `jobkit`.
    public static func shared() throws -> DBMutex {
        try bootstrapped.withLock { current in
            if let current { return current }
            let mutex = DBMutex(store: try LockStoreURL.makeDefaultStore(), logger: Logger(label: "jobkit"))
            current = mutex
            return mutex
        }
    }

    /// ``shared()`` from `async` code: opening the default store (a file, a connection
    /// string) happens on a Dispatch thread, off the cooperative pool.
    static func sharedOffPool() async throws -> DBMutex {
        if let current = bootstrapped.withLock({ $0 }) { return current }
        return try await BlockingQueue.run { try shared() }
    }
}
