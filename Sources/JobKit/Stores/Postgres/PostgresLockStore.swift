import Foundation
import Synchronization

/// The lock store for fleets: one row per lock in PostgreSQL, reached through libpq.
///
/// Every rule of the lock contract runs inside the server, on its clock, in one round trip per
/// operation (the schema installs PL/pgSQL functions next to the table, each version adding
/// its own). Statements are prepared once per connection; behind a pooler that loses them
/// (PgBouncer in transaction mode) their text is sent instead, and no other session state is
/// used (no advisory locks held across statements), so it works through PgBouncer.
///
/// The schema has a version, recorded in the table `<table>_schema`. It is created or brought
/// up to date on first use, or up front with ``migrate()``; a role that may not create objects
/// uses a schema an operator migrated, and gets a ``SchemaVersionError`` naming
/// `jobkit migrate` when that schema is missing or older than this JobKit needs. A broken connection is
/// replaced and the call tried once more; every statement is safe to repeat: a repeated
/// acquire at worst finds its own first attempt holding the lock and is refused, which frees
/// itself when the heartbeat window passes.
public final class PostgresLockStore: LockStore {
    /// How the store connects and where it keeps its rows.
    public struct Configuration: Sendable {
        /// The lock table; by default `jobkit_locks`.
        public var table: TableName = .default
        /// The most connections the store opens at once.
        public var maximumConnections: Int = 4
        /// How long opening a connection may take, unless the URL sets `connect_timeout`.
        public var connectTimeout: Duration = .seconds(5)
        /// Whether the first operation creates the schema or brings it up to date; when `false`,
        /// it only checks the recorded version (see ``SchemaVersionError``).
        public var migratesAutomatically: Bool = true
        /// How many runs of each job the run ledger keeps.
        public var retention: RunRetention = .default
        /// Whether a release may skip waiting for its commit to reach disk
        /// (`synchronous_commit = off` for that one transaction). A release lost in a crash
        /// only delays the next holder until the TTL or heartbeat window passes; acquires and
        /// heartbeats are always durable.
        public var relaxedRelease: Bool = true

        /// The defaults.
        public init() {}
    }

    private let pool: PostgresConnectionPool
    let schema: PostgresSchema
    let configuration: Configuration
    /// The schema version known to be in place, once checked or migrated.
    private let knownVersion = Mutex<Int?>(nil)

    /// Opens a store on `url` (a `postgres://` URL or a libpq keyword string). No connection is
    /// made until the first operation.
    ///
    /// - Throws: ``PostgresError`` with code `invalidConnectionString` when the URL is malformed.
    public init(url: String, configuration: Configuration = Configuration()) throws(PostgresError) {
        let settings = try PostgresConnectionSettings(url, connectTimeout: configuration.connectTimeout)
        self.pool = PostgresConnectionPool(settings: settings, maximumConnections: configuration.maximumConnections)
        self.schema = PostgresSchema(table: configuration.table)
        self.configuration = configuration
    }

    /// The table this store keeps its rows in.
    public var table: TableName { schema.table }

    public var description: String { "\(pool.target) (table \(schema.table))" }

    /// Brings the schema to the version this JobKit needs, from any earlier version, keeping
    /// every lock row and token. A schema that is current already is left alone, so a role
    /// without `CREATE` passes; one that needs a step such a role may not take throws
    /// ``SchemaVersionError`` naming `jobkit migrate`. Then checks that this role holds every
    /// privilege runs need on the schema (the README's least-privilege grants), and throws
    /// ``StorePrivilegeError`` naming each one it lacks.
    public func migrate() throws {
        let migration = PostgresMigration(schema: schema)
        if let refusal = try pool.withConnection({ (connection) throws(PostgresError) in try migration.run(on: connection) }) {
            throw refusal
        }
        try checkPrivileges()
        knownVersion.withLock { $0 = PostgresSchema.currentVersion }
    }

    /// Throws ``StorePrivilegeError`` naming each privilege runs need that this role lacks.
    private func checkPrivileges() throws {
        let privileges = PostgresPrivilegeCheck(schema: schema)
        let missing = try pool.withConnection { (connection) throws(PostgresError) in try privileges.missing(on: connection) }
        guard missing.isEmpty else { throw StorePrivilegeError(table: schema.table.description, missing: missing) }
    }

    /// Whether the lock table exists (it does once ``migrate()`` ran). Asks the server without
    /// creating anything, whatever ``Configuration/migratesAutomatically`` says.
    public func schemaExists() throws -> Bool {
        let table = schema.table.quoted
        return try pool.withConnection { (connection) throws(PostgresError) in
            try connection.query("SELECT to_regclass($1) IS NOT NULL", [table], context: "looking for the lock table")
                .bool(0, 0) == true
        }
    }

    public func acquire(_ request: LockRequest) throws -> AcquireResult {
        try acquire(request, now: nil)
    }

    /// Acquires as if the server's clock read `now`: lets the conformance suite test exact TTL
    /// boundaries on the real server.
    @_spi(Testing)
    public func acquire(_ request: LockRequest, now: Date?) throws -> AcquireResult {
        try LockID.validate(request.lockID)
        if request.run == nil, try schemaVersion() >= 7 { return try acquireBare(request, now: now) }
        let parameters: [String?] = [
            request.lockID, request.owner,
            request.ttl.map { String($0.jobKitMicroseconds) },
            request.liveness.map { String($0.jobKitMicroseconds) },
            request.tick.map { String($0.jobKitEpochMicroseconds) },
            request.run?.job, request.run?.jobType, request.run.map { _ in String(configuration.retention.runsPerJob) },
            now.map { String($0.jobKitEpochMicroseconds) },
            request.run?.kind?.name, request.run?.trigger.map { String($0) },
        ]
        let result = try run(schema.acquire, parameters, "acquiring lock \(String(reflecting: request.lockID))")
        guard result.rowCount == 1 else { throw result.unexpected("acquire returned \(result.rowCount) rows") }
        return try Self.acquireResult(request, in: result, row: 0, from: 0)
    }

    /// The answer to `request` in row `row` of an acquire function's result, whose columns
    /// (those of `acquire_v5`) start at `base`.
    static func acquireResult(
        _ request: LockRequest, in result: PostgresResult, row: Int, from base: Int
    ) throws(PostgresError) -> AcquireResult {
        func column(_ offset: Int) -> Int { base + offset }
        if let refusal = try Self.controlRefusal(result, request, row: row, from: base) { return .refused(refusal) }
        let holder = LockHolder(
            owner: try result.requiredString(row, column(2)),
            token: try result.requiredInt64(row, column(1)),
            since: try Date(epochMicroseconds: result.requiredInt64(row, column(3))),
            until: try result.int64(row, column(4)).map(Date.init(epochMicroseconds:)),
            aliveUntil: try result.int64(row, column(5)).map(Date.init(epochMicroseconds:))
        )
        let lastTick = try result.int64(row, column(6)).map(Date.init(epochMicroseconds:))
        let reason = result.string(row, column(12))
        guard try result.bool(row, column(0)) == true else {
            // A refusal's o_prev_acquired_us is the server's time of the decision.
            let checkedAt = try result.int64(row, column(9)).map(Date.init(epochMicroseconds:))
            if reason == "already_ran", let tick = request.tick, let lastTick {
                return .refused(
                    DBMutexError(lockID: request.lockID, reason: .alreadyRan(tick: tick, lastTick: lastTick), checkedAt: checkedAt)
                )
            }
            return .refused(DBMutexError(lockID: request.lockID, reason: .held(by: holder), checkedAt: checkedAt))
        }
        var recovery: LockRecovery?
        if let previousOwner = result.string(row, column(7)), let why = reason.flatMap(LockRecovery.Reason.init(rawValue:)) {
            let previous = LockHolder(
                owner: previousOwner,
                token: try result.requiredInt64(row, column(8)),
                since: try Date(epochMicroseconds: result.requiredInt64(row, column(9))),
                until: try result.int64(row, column(10)).map(Date.init(epochMicroseconds:)),
                aliveUntil: try result.int64(row, column(11)).map(Date.init(epochMicroseconds:))
            )
            recovery = LockRecovery(previous: previous, reason: why)
        }
        return .acquired(
            Lease(
                lockID: request.lockID, token: holder.token, owner: holder.owner, acquiredAt: holder.since,
                expiresAt: holder.until, aliveUntil: holder.aliveUntil, tick: request.tick, recovered: recovery,
                previousTick: request.tick == nil ? nil : try result.int64(row, column(13)).map(Date.init(epochMicroseconds:)),
                tokenAheadOfClock: Self.tokenAhead(token: holder.token, acquiredUS: try result.requiredInt64(row, column(3)))
            )
        )
    }

    /// The refusals of `acquire_v5` that name no holder: a paused job, a tick already skipped
    /// as paused, a trigger claimed by another scheduler.
    private static func controlRefusal(
        _ result: PostgresResult, _ request: LockRequest, row: Int, from base: Int
    ) throws(PostgresError) -> DBMutexError? {
        func column(_ offset: Int) -> Int { base + offset }
        guard try result.bool(row, column(0)) != true, result.string(row, column(2)) == nil else { return nil }
        let checkedAt = try result.int64(row, column(9)).map(Date.init(epochMicroseconds:))
        switch result.string(row, column(12)) {
        case "paused":
            let pause = JobPause(
                job: request.run?.job ?? request.lockID, reason: result.string(row, column(14)),
                pausedBy: try result.requiredString(row, column(15)),
                pausedAt: try Date(epochMicroseconds: result.requiredInt64(row, column(16)))
            )
            return DBMutexError(lockID: request.lockID, reason: .paused(pause), checkedAt: checkedAt)
        case "already_ran":
            guard let tick = request.tick, let lastTick = try result.int64(row, column(6)).map(Date.init(epochMicroseconds:)) else {
                throw result.unexpected("a refusal as already ran came without its last tick")
            }
            return DBMutexError(lockID: request.lockID, reason: .alreadyRan(tick: tick, lastTick: lastTick), checkedAt: checkedAt)
        case "trigger_claimed":
            return DBMutexError(lockID: request.lockID, reason: .triggerClaimed(request.run?.trigger ?? 0), checkedAt: checkedAt)
        case let other:
            throw result.unexpected("acquire refused without a holder, as \(other ?? "NULL")")
        }
    }

    /// Tokens are the acquisition's time in microseconds unless the clock was behind the
    /// lock's previous token (schema version 3): the difference, when there is one.
    static func tokenAhead(token: Int64, acquiredUS: Int64) -> Duration? {
        token > acquiredUS ? .microseconds(token - acquiredUS) : nil
    }

    public func heartbeat(_ lease: Lease, window: Duration) throws -> HeartbeatResult {
        let result = try run(
            schema.heartbeat, [lease.lockID, String(lease.token), String(window.jobKitMicroseconds)],
            "heartbeating lock \(String(reflecting: lease.lockID))"
        )
        guard result.rowCount == 1 else { throw result.unexpected("heartbeat returned \(result.rowCount) rows") }
        if try result.bool(0, 0) == true {
            return .alive(expired: try result.bool(0, 1) ?? false)
        }
        let outcome = result.string(0, 7)
        if let loss = try Self.loss(outcome, at: 8, in: result) { return .lost(loss) }
        guard outcome == "released" else { throw result.unexpected("heartbeat answered \(outcome ?? "NULL")") }
        return .lost(.releasedByItsHolder)
    }

    public func release(_ lease: Lease) throws -> ReleaseResult {
        try release(lease, ending: nil)
    }

    public func release(_ lease: Lease, ending run: RunEnd?) throws -> ReleaseResult {
        if run == nil, try schemaVersion() >= 7 { return try releaseBare(lease) }
        let result = try self.run(
            schema.release,
            [
                lease.lockID, String(lease.token), configuration.relaxedRelease ? "t" : "f",
                run?.outcome.name, run?.boundedError,
            ],
            "releasing lock \(String(reflecting: lease.lockID))"
        )
        guard result.rowCount == 1 else { throw result.unexpected("release returned \(result.rowCount) rows") }
        return try Self.releaseResult(in: result, row: 0, from: 0)
    }

    /// The answer in row `row` of a release function's result, whose columns (those of
    /// `release_v2`) start at `base`.
    static func releaseResult(in result: PostgresResult, row: Int, from base: Int) throws(PostgresError) -> ReleaseResult {
        switch result.string(row, base) {
        case "released":
            return .released
        case "expired":
            return .expired(at: try Date(epochMicroseconds: result.requiredInt64(row, base + 1)))
        case let outcome:
            guard let loss = try Self.loss(outcome, at: base + 1, in: result, row: row, from: base + 2) else {
                throw result.unexpected("release answered \(outcome ?? "NULL")")
            }
            return .lost(loss)
        }
    }

    public func runs(of job: String, limit: Int) throws -> [RunRecord] {
        let result = try run(schema.history, [job, String(max(0, limit))], "reading the runs of job \(String(reflecting: job))")
        return try (0..<result.rowCount).map { (row) throws(PostgresError) in
            guard let outcome = result.string(row, 8).flatMap(RunOutcome.init(name:)) else {
                throw result.unexpected("a run row has the outcome \(result.string(row, 8) ?? "NULL")")
            }
            return RunRecord(
                job: try result.requiredString(row, 0), jobType: result.string(row, 1),
                lockID: try result.requiredString(row, 2), tick: try result.int64(row, 3).map(Date.init(epochMicroseconds:)),
                token: try result.requiredInt64(row, 4), owner: try result.requiredString(row, 5),
                startedAt: try Date(epochMicroseconds: result.requiredInt64(row, 6)),
                endedAt: try result.int64(row, 7).map(Date.init(epochMicroseconds:)), outcome: outcome,
                error: result.string(row, 9), overlapped: try result.bool(row, 10) ?? false,
                kind: result.string(row, 11).flatMap(RunKind.init(name:))
            )
        }
    }

    public func locks() throws -> [LockState] {
        let result = try run(schema.locks, [], minimumVersion: 1, "listing locks")
        return try (0..<result.rowCount).map { (row) throws(PostgresError) in
            LockState(
                lockID: try result.requiredString(row, 0),
                owner: try result.requiredString(row, 1),
                token: try result.requiredInt64(row, 2),
                acquiredAt: try Date(epochMicroseconds: result.requiredInt64(row, 3)),
                expiresAt: try result.int64(row, 4).map(Date.init(epochMicroseconds:)),
                aliveUntil: try result.int64(row, 5).map(Date.init(epochMicroseconds:)),
                releasedAt: try result.int64(row, 6).map(Date.init(epochMicroseconds:)),
                lastTick: try result.int64(row, 7).map(Date.init(epochMicroseconds:)),
                status: LockState.Status(rawValue: try result.requiredString(row, 8)) ?? .held
            )
        }
    }

    public func forceRelease(_ lockID: String) throws -> Bool {
        try LockID.validate(lockID)
        return try run(schema.forceRelease, [lockID], minimumVersion: 1, "force-releasing lock \(String(reflecting: lockID))").rowCount == 1
    }

    /// Runs one statement, making sure first (once per store) that the schema is at least at
    /// `minimumVersion`.
    func run(
        _ sql: String, _ parameters: [String?], minimumVersion: Int = PostgresSchema.minimumVersion,
        _ context: @autoclosure () -> String
    ) throws -> PostgresResult {
        try ensureSchema(minimumVersion)
        return try pool.withConnection { (connection) throws(PostgresError) in
            try connection.query(sql, parameters, prepared: true, context: context())
        }
    }

    /// The schema version in place (at least ``PostgresSchema/minimumVersion``), checked or
    /// migrated on first use: which functions the store may call.
    func schemaVersion() throws -> Int {
        try ensureSchema(PostgresSchema.minimumVersion)
    }

    /// On first use, migrates (when ``Configuration/migratesAutomatically``) or else only reads
    /// the recorded version, and throws ``SchemaVersionError`` when it is older than `minimum`.
    /// A failed check is tried again on the next call, so an operator's `jobkit migrate`
    /// takes effect without a restart. Returns the version in place.
    @discardableResult
    private func ensureSchema(_ minimum: Int) throws -> Int {
        if let known = knownVersion.withLock({ $0 }), known >= minimum { return known }
        if configuration.migratesAutomatically {
            do {
                try migrate()
                return PostgresSchema.currentVersion
            } catch let refusal as SchemaVersionError where refusal.found >= minimum {
                // A role that may not create objects, on a schema this JobKit works with (only
                // faster functions are missing): use it as it is, if the role holds the grants.
                try checkPrivileges()
                knownVersion.withLock { $0 = refusal.found }
                return refusal.found
            }
        }
        let migration = PostgresMigration(schema: schema)
        let found = try pool.withConnection { (connection) throws(PostgresError) in try migration.recordedVersion(on: connection) }
        guard found >= minimum else {
            throw SchemaVersionError(table: schema.table.description, found: found, required: minimum, cause: nil)
        }
        knownVersion.withLock { $0 = found }
        return found
    }

    /// The loss the heartbeat or release function named (`force_released`, `taken_over`,
    /// `taken_over_released`), with the force-release time in column `atColumn` and the
    /// holder that took over in columns 2–6; `nil` for any other answer.
    private static func loss(
        _ outcome: String?, at atColumn: Int, in result: PostgresResult, row: Int = 0, from holderColumn: Int = 2
    ) throws(PostgresError) -> LeaseLoss? {
        switch outcome {
        case "force_released":
            return .forceReleased(at: try result.int64(row, atColumn).map(Date.init(epochMicroseconds:)))
        case "taken_over", "taken_over_released":
            guard let holder = try holder(in: result, row: row, from: holderColumn) else {
                throw result.unexpected("a takeover answered without its holder")
            }
            return .takenOver(by: holder, released: outcome == "taken_over_released")
        default:
            return nil
        }
    }

    private static func holder(in result: PostgresResult, row: Int, from column: Int) throws(PostgresError) -> LockHolder? {
        guard let owner = result.string(row, column) else { return nil }
        return LockHolder(
            owner: owner,
            token: try result.requiredInt64(row, column + 1),
            since: try Date(epochMicroseconds: result.requiredInt64(row, column + 2)),
            until: try result.int64(row, column + 3).map(Date.init(epochMicroseconds:)),
            aliveUntil: try result.int64(row, column + 4).map(Date.init(epochMicroseconds:))
        )
    }
}
