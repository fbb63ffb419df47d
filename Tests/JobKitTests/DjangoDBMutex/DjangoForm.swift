import JobKit

/// The two ways django-db-mutex's tests use `db_mutex`: as a context manager
/// (`with db_mutex('lock_id'):`, JobKit's `withLock`) and as a function decorator
/// (`@db_mutex('lock_id')`, JobKit's `wrap`).
enum DjangoForm: String, CaseIterable, Sendable, CustomStringConvertible {
    case contextManager = "context manager"
    case decorator = "decorator"

    var description: String { rawValue }

    /// Runs `body` under `lockID` in this form, blocking (django's tests are synchronous).
    func locked<R>(_ mutex: DBMutex, _ lockID: String, _ body: @escaping () throws -> R) throws -> R {
        switch self {
        case .contextManager:
            try mutex.withLock(lockID) { try body() }
        case .decorator:
            try mutex.wrap(lockID) { try body() }()
        }
    }
}
