import Foundation

/// A lock store on django-db-mutex's own table, `db_mutex_dbmutex`, so that Django processes
/// (`with db_mutex('id'):`) and Swift processes (``withDBMutex(_:ttl:tick:_:)-(_,_,_,()->R)``)
/// exclude each other. Its URL is `django+postgres://…` (see ``LockStoreURL``).
///
/// It keeps django-db-mutex 3.1's protocol exactly (see ``DjangoStatements``):
/// - **acquire** deletes every row at least one TTL old (of every lock id; none when the TTL
///   is `nil`), then inserts the lock's row; a unique violation means the lock is held. Two
///   statements, as in Django. The row's `id` is the lease's token: unique, but **not a
///   fencing token**. The insert draws the id before its unique check waits on a concurrent
///   holder, so under contention a later acquisition can hold a smaller id (the
///   cross-language hammer test sees it). Fence on a `postgres://` store's tokens instead.
/// - **release** deletes the row by `id`. A row already gone means the lock timed out (someone
///   purged it): ``ReleaseResult/lost(_:)`` — taken over by the row holding the lock id now,
///   or ``LeaseLoss/deleted`` when there is none — which ``DBMutex`` reports as a
///   ``DBMutexTimeoutError`` with `overlapped` set. A row still there is released, even past
///   its TTL, as Django does.
///
/// Time is the database server's (`now()`), where Django uses each Python process's clock.
///
/// What the table cannot carry is not faked:
/// - **Owners**: the table has no owner column, so other holders read as
///   ``unknownOwner``; the lease's own ``Lease/owner`` is the request's.
/// - **Heartbeats**: there is no liveness column. ``heartbeat(_:window:)`` only checks that the
///   row is still there (so `lock.lost` is still reported); it extends nothing, and a holder
///   that dies keeps its lock until the TTL passes, as in Django. Leases have no
///   ``Lease/aliveUntil``.
/// - **Ticks**: an acquire for a scheduled tick throws ``DjangoLockStoreError`` (`ticksUnsupported`),
///   and the ``Scheduler`` refuses this store at start (`config.invalid`).
/// - **TTL**: each process applies its own TTL (`DB_MUTEX_TTL_SECONDS` on both sides) when it
///   purges; a row does not remember the TTL it was taken with. ``LockHolder/until`` and
///   ``LockState/expiresAt`` are the row's age limit under the TTL of the process that reads it.
///
/// It never creates or alters the table: Django's migration owns it. ``migrate()`` only checks
/// that the table is there, and every operation on a missing table throws
/// ``DjangoLockStoreError`` (`tableMissing`).
public final class DjangoLockStore: LockStore {
    /// How the store connects and which table it uses.
    public struct Configuration: Sendable {
        /// django-db-mutex's table; by default `db_mutex_dbmutex`. Schema-qualify it
        /// (`app.db_mutex_dbmutex`) when Django's tables are not on the search path.
        public var table: TableName = DjangoLockStore.defaultTable
        /// The TTL ``locks()`` judges rows by; by default `DB_MUTEX_TTL_SECONDS`, else 30 minutes.
        public var listingTTL: LockTTL = .default
        /// The most connections the store opens at once.
        public var maximumConnections: Int = 4
        /// How long opening a connection may take, unless the URL sets `connect_timeout`.
        public var connectTimeout: Duration = .seconds(5)

        /// The defaults.
        public init() {}
    }

    /// django-db-mutex's table name.
    public static let defaultTable = try! TableName("db_mutex_dbmutex")

    /// The owner string of every holder read from the table, which keeps no owner.
    public static let unknownOwner = "unknown"

    /// The URL scheme prefix that selects this store: `django+postgres://…`.
    public static let schemePrefix = "django+"

    private let pool: PostgresConnectionPool
    private let statements: DjangoStatements
    private let configuration: Configuration

    /// Opens a store on `url`: a `postgres://` URL or a libpq keyword string, optionally with
    /// the `django+` prefix (`django+postgres://…`, `django+postgres:host=db dbname=app`). No
    /// connection is made until the first operation.
    ///
    /// - Throws: ``PostgresError`` with code `invalidConnectionString` when the URL is malformed.
    public init(url: String, configuration: Configuration = Configuration()) throws(PostgresError) {
        let settings = try PostgresConnectionSettings(
            Self.connectionString(url), connectTimeout: configuration.connectTimeout
        )
        self.pool = PostgresConnectionPool(settings: settings, maximumConnections: configuration.maximumConnections)
        self.statements = DjangoStatements(table: configuration.table)
        self.configuration = configuration
    }

    /// What libpq is given for `url`: without the `django+` prefix, the scheme in lower case,
    /// and a `django+postgres:` keyword string as the bare keyword string.
    @_spi(Testing)
    public static func connectionString(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespaces)
        if text.lowercased().hasPrefix(schemePrefix) { text = String(text.dropFirst(schemePrefix.count)) }
        let lower = text.lowercased()
        for scheme in ["postgresql", "postgres"] where lower.hasPrefix(scheme + ":") {
            let rest = text.dropFirst(scheme.count + 1)
            // libpq knows the URL schemes in lower case only.
            return rest.hasPrefix("//") ? scheme + ":" + rest : String(rest)
        }
        return text
    }

    /// The table this store uses.
    public var table: TableName { statements.table }

    public var description: String {
        "django+\(pool.target) (table \(statements.table))"
    }

    /// Checks that django-db-mutex's table is there. Creates nothing: Django's migration owns it.
    ///
    /// - Throws: ``DjangoLockStoreError`` when the table is missing or not django-db-mutex's.
    public func migrate() throws {
        _ = try run(statements.check, [], "checking django-db-mutex's table \(statements.table)")
    }

    /// Refuses: the table cannot keep once-per-tick or heartbeats.
    public func validateForScheduling() throws {
        throw DjangoLockStoreError(code: .schedulingUnsupported, table: statements.table, target: pool.target)
    }

    public func acquire(_ request: LockRequest) throws -> AcquireResult {
        try LockID.validate(request.lockID)
        guard request.tick == nil else {
            throw DjangoLockStoreError(code: .ticksUnsupported, table: statements.table, target: pool.target)
        }
        let context = "acquiring lock \(String(reflecting: request.lockID))"
        let ttl = request.ttl.map { String($0.jobKitMicroseconds) }
        var recovery: LockRecovery?
        if let ttl {
            let purged = try run(statements.purge, [ttl, request.lockID], context)
            if purged.rowCount == 1 {
                recovery = LockRecovery(
                    previous: try holder(in: purged, row: 0, from: 0, ttl: request.ttl), reason: .expired
                )
            }
        }
        // A refusal names the holder; if it released between the insert and the read, the
        // lock may be free now, so try again (a bounded number of times).
        for _ in 0..<8 {
            do {
                let inserted = try run(statements.insert, [request.lockID], context)
                let token = try inserted.requiredInt64(0, 0)
                let acquiredAt = try Date(epochMicroseconds: inserted.requiredInt64(0, 1))
                return .acquired(
                    Lease(
                        lockID: request.lockID, token: token, owner: request.owner, acquiredAt: acquiredAt,
                        expiresAt: request.ttl.map { acquiredAt.addingTimeInterval($0.jobKitTimeInterval) },
                        aliveUntil: nil, tick: nil, recovered: recovery
                    )
                )
            } catch let error as PostgresError where error.sqlState == "23505" {
                let current = try run(statements.holder, [request.lockID], context)
                if current.rowCount == 1 {
                    let holder = try holder(in: current, row: 0, from: 0, ttl: request.ttl)
                    return .refused(DBMutexError(lockID: request.lockID, reason: .held(by: holder)))
                }
            }
        }
        throw PostgresError(
            code: .unexpectedResult, context: context, target: pool.target,
            message: "the lock changed hands 8 times while it was being taken"
        )
    }

    /// Checks that the lease's row is still there; extends nothing (the table has no liveness
    /// column). Reports ``HeartbeatResult/lost(_:)`` when the row is gone: taken over by the
    /// row that holds the lock id now, or ``LeaseLoss/deleted`` when there is none.
    public func heartbeat(_ lease: Lease, window: Duration) throws -> HeartbeatResult {
        let result = try run(
            statements.stillHeld, [String(lease.token), lease.lockID, lease.ttl.map { String($0.jobKitMicroseconds) }],
            "checking lock \(String(reflecting: lease.lockID))"
        )
        guard result.rowCount == 1 else { throw result.unexpected("the check returned \(result.rowCount) rows") }
        if let expired = try result.bool(0, 0) {
            return .alive(expired: expired)
        }
        return .lost(try loss(in: result, ttl: lease.ttl))
    }

    /// Deletes the lease's row by `id`. A row already gone is ``ReleaseResult/lost(_:)``:
    /// someone purged it after its TTL, or force-released it (taken over by the row that holds
    /// the lock id now, if any; without one, ``LeaseLoss/deleted``: the table cannot tell
    /// whether anyone ran meanwhile, and the answer errs on the side of an overlap).
    public func release(_ lease: Lease) throws -> ReleaseResult {
        let result = try run(
            statements.release, [String(lease.token), lease.lockID], "releasing lock \(String(reflecting: lease.lockID))"
        )
        guard result.rowCount == 1 else { throw result.unexpected("release returned \(result.rowCount) rows") }
        if try result.requiredInt64(0, 0) == 1 { return .released }
        return .lost(try loss(in: result, ttl: lease.ttl))
    }

    /// The loss the heartbeat or release check found: taken over by the row in columns 1–2
    /// (it holds the lock now: rows are deleted on release), or ``LeaseLoss/deleted``.
    private func loss(in result: PostgresResult, ttl: Duration?) throws -> LeaseLoss {
        if result.isNull(0, 1) { return .deleted }
        return .takenOver(by: try holder(in: result, row: 0, from: 1, ttl: ttl), released: false)
    }

    /// Every row of the table. Owners are ``unknownOwner``; a row at least one TTL old
    /// (``Configuration/listingTTL``) is ``LockState/Status/expired``, any other is held.
    public func locks() throws -> [LockState] {
        let ttl = try configuration.listingTTL.resolve()
        let result = try run(statements.list, [ttl.map { String($0.jobKitMicroseconds) }], "listing locks")
        return try (0..<result.rowCount).map { row in
            let holder = try holder(in: result, row: row, from: 1, ttl: ttl)
            return LockState(
                lockID: try result.requiredString(row, 0), owner: holder.owner, token: holder.token,
                acquiredAt: holder.since, expiresAt: holder.until, aliveUntil: nil, releasedAt: nil, lastTick: nil,
                status: try result.bool(row, 3) == true ? .expired : .held
            )
        }
    }

    /// Deletes the lock's row, whoever holds it. Its holder finds out at release
    /// (``DBMutexTimeoutError``), a Django holder as a Swift one.
    public func forceRelease(_ lockID: String) throws -> Bool {
        try LockID.validate(lockID)
        return try run(statements.forceRelease, [lockID], "force-releasing lock \(String(reflecting: lockID))").rowCount == 1
    }

    /// Runs one statement, turning "no such table" and "no such column" into
    /// ``DjangoLockStoreError``.
    private func run(_ sql: String, _ parameters: [String?], _ context: @autoclosure () -> String) throws -> PostgresResult {
        let outcome = Result { () throws(PostgresError) -> PostgresResult in
            try pool.withConnection { (connection) throws(PostgresError) in
                try connection.query(sql, parameters, context: context())
            }
        }
        switch outcome {
        case .success(let result):
            return result
        case .failure(let error) where error.sqlState == "42P01":
            throw DjangoLockStoreError(code: .tableMissing, table: statements.table, target: pool.target, detail: error.message)
        case .failure(let error) where error.sqlState == "42703":
            throw DjangoLockStoreError(code: .unexpectedTable, table: statements.table, target: pool.target, detail: error.message)
        case .failure(let error):
            throw error
        }
    }

    /// The holder in columns `column` (`id`) and `column + 1` (`creation_time`) of `row`.
    private func holder(in result: PostgresResult, row: Int, from column: Int, ttl: Duration?) throws -> LockHolder {
        let since = try Date(epochMicroseconds: result.requiredInt64(row, column + 1))
        return LockHolder(
            owner: Self.unknownOwner, token: try result.requiredInt64(row, column), since: since,
            until: ttl.map { since.addingTimeInterval($0.jobKitTimeInterval) }, aliveUntil: nil
        )
    }
}
