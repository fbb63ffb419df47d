/// What ``DjangoLockStore`` cannot do: django-db-mutex's table is missing, is not
/// django-db-mutex's, or cannot carry what was asked of it.
///
/// Every such error is permanent (``LockStoreError/isPermanent``): retrying cannot fix it, a
/// person must (run Django's migration, or use a `postgres://` store).
public struct DjangoLockStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case tableMissing, unexpectedTable, ticksUnsupported, schedulingUnsupported
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The table does not exist: Django's migration has not run on this database.
        public static let tableMissing = Code(.tableMissing)
        /// The table exists but lacks django-db-mutex's columns (`id`, `lock_id`, `creation_time`).
        public static let unexpectedTable = Code(.unexpectedTable)
        /// An acquire asked for a scheduled tick, which the table cannot remember.
        public static let ticksUnsupported = Code(.ticksUnsupported)
        /// The scheduler was given this store, which cannot keep once-per-tick or heartbeats.
        public static let schedulingUnsupported = Code(.schedulingUnsupported)

        public var description: String { base.rawValue }
    }

    /// What kind of problem this is.
    public let code: Code
    /// The table, as `schema.table` or `table`.
    public let table: String
    /// The server, as `postgres://user@host:port/database`, without the password.
    public let target: String
    /// The server's message, when it sent one.
    public let detail: String?

    init(code: Code, table: TableName, target: String, detail: String? = nil) {
        self.code = code
        self.table = table.description
        self.target = target
        self.detail = detail
    }

    public var description: String {
        switch code {
        case .tableMissing:
            return "The table \(table) does not exist in \(target). django-db-mutex's migration creates it "
                + "(python manage.py migrate db_mutex); JobKit never creates or alters Django's table."
                + (detail.map { " The server said: \($0)" } ?? "")
        case .unexpectedTable:
            return "The table \(table) in \(target) is not django-db-mutex's: it needs the columns id, lock_id "
                + "and creation_time." + (detail.map { " The server said: \($0)" } ?? "")
        case .ticksUnsupported:
            return "django-db-mutex's table \(table) cannot remember scheduled ticks, so it cannot refuse a tick "
                + "that already ran. Take the lock without a tick, or use a postgres:// store for scheduled jobs."
        default:
            return "django-db-mutex's table \(table) keeps no owner, no heartbeat and no last tick, so it cannot "
                + "back scheduled jobs (once per tick, dead holders freed within the heartbeat window). Use a "
                + "postgres:// store for scheduled jobs; django+postgres:// is for withDBMutex, DBMutex, "
                + "NonOverlappingJob.run and jobkit once."
        }
    }
}

extension DjangoLockStoreError: LockStoreError {
    /// Always `true`: a person must run Django's migration or choose another store.
    public var isPermanent: Bool { true }
}
