import Foundation
import Logging
import Synchronization

/// The embedded lock store: the whole lock contract in one SQLite file that several
/// processes **of one machine** share. The default store when no database URL is set.
///
/// Each operation is one `BEGIN IMMEDIATE` transaction that reads SQLite's clock and the lock
/// row, decides by the same rules as every store, and writes the row back: processes queue on
/// the file's write lock (waiting up to ``Configuration/busyTimeout``), so each sees the
/// previous one's outcome. The file is in WAL mode; times are kept as INTEGER epoch
/// microseconds, read from SQLite's clock (millisecond resolution); fencing tokens come from
/// a counter table that only grows, seeded in a new file at the time in microseconds.
///
/// ## The file at the path
/// Before each operation the store checks (one `stat`) that the file it has open is still the
/// file at its path. When it was deleted, moved away or replaced, the store closes it, opens
/// the path again (creating and migrating a new file when none is there), logs
/// ``JobEvent/storeReopened`` and goes on: every process sharing the path converges on the
/// same file at its next operation, instead of some writing to an unlinked file nobody else
/// sees. Locks held in the old file are gone; their holders learn it at their next heartbeat
/// (`lock.lost`).
///
/// ## Space
/// The WAL is checkpointed every ``SQLiteConnection/walCheckpointPages`` pages and cut back to
/// 128 KiB, so the store needs about 200 KiB of free space plus about 100 bytes per lock. A
/// full volume fails operations with ``SQLiteError/Code/volumeFull`` (an outage); the first
/// operation after space returns succeeds.
///
/// ## One machine only
/// SQLite's locking relies on the file system's locks and, in WAL mode, on shared memory
/// mapped by every process. Network file systems (NFS, SMB, most cloud volumes shared between
/// hosts) implement these partly or not at all, so two machines sharing a file over the
/// network can both believe they hold a lock, or corrupt the file. For a fleet, use
/// ``PostgresLockStore``.
///
/// The store keeps one connection, used by one thread at a time; its methods block.
public final class SQLiteLockStore: LockStore {
    /// Where the store keeps its rows and how long it waits for other processes.
    public struct Configuration: Sendable {
        /// The lock table; by default `jobkit_locks`. SQLite has no schemas, so the name must
        /// not be qualified.
        public var table: TableName = .default
        /// How long an operation waits while other connections hold the file's write lock
        /// before it fails with ``SQLiteError/Code/busy``.
        public var busyTimeout: Duration = .seconds(5)
        /// How many runs of each job the run ledger keeps.
        public var retention: RunRetention = .default
        /// Whether opening the store creates the tables or brings them up to date; when
        /// `false`, the first operation only checks the recorded version (see ``SchemaVersionError``).
        public var migratesAutomatically: Bool = true
        /// Whether opening the store creates the file when it is missing and switches it to
        /// WAL mode. Without it, a missing file fails with ``SQLiteError/Code/cannotOpen`` and
        /// an existing one is used as it is (a file JobKit made is in WAL mode already): what
        /// read-only commands need, with ``migratesAutomatically`` off too.
        public var createsFile: Bool = true
        /// Where the store reports ``JobEvent/storeReopened``; nil reports nothing.
        public var logger: Logger?

        /// The defaults.
        public init() {}
    }

    /// The database file, as an absolute path.
    public let path: String
    /// The lock table.
    public var table: TableName { schema.table }

    let schema: SQLiteSchema
    private let configuration: Configuration
    private let retention: RunRetention
    /// The open connection. When opening the path again fails, the old one stays, so the
    /// next operation tries again.
    private let connection: Mutex<SQLiteConnection>
    /// The schema version known to be in place, once checked or migrated.
    private let knownVersion = Mutex<Int?>(nil)

    /// Opens (creating if needed) the database file at `path`, relative to the working
    /// directory unless absolute, and switches it to WAL mode.
    ///
    /// - Throws: ``SQLiteError`` naming the path: ``SQLiteError/Code/cannotOpen`` when the
    ///   file cannot be opened for writing (missing directory, a directory, permissions),
    ///   ``SQLiteError/Code/notADatabase`` when it is some other kind of file, and
    ///   ``SQLiteError/Code/invalidConfiguration`` for a schema-qualified table name.
    public init(path: String, configuration: Configuration = Configuration()) throws(SQLiteError) {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard configuration.table.schema == nil else {
            throw SQLiteError(
                code: .invalidConfiguration, path: absolute, context: "opening",
                message: "the table name \"\(configuration.table)\" is schema-qualified, and SQLite has no schemas; "
                    + "use a plain name such as \"\(configuration.table.name)\"."
            )
        }
        let schema = SQLiteSchema(table: configuration.table)
        let connection = try SQLiteConnection.open(
            path: absolute, busyTimeout: configuration.busyTimeout, creating: configuration.createsFile
        )
        if configuration.migratesAutomatically {
            try Self.migrate(schema, on: connection)
        }
        self.path = absolute
        self.schema = schema
        self.configuration = configuration
        self.retention = configuration.retention
        self.connection = Mutex(connection)
        if configuration.migratesAutomatically { knownVersion.withLock { $0 = SQLiteSchema.currentVersion } }
    }

    public var description: String { "sqlite:\(path) (table \(schema.table))" }

    public func migrate() throws {
        let schema = self.schema
        try withConnection { (connection) throws(SQLiteError) in
            try Self.migrate(schema, on: connection)
        }
        knownVersion.withLock { $0 = SQLiteSchema.currentVersion }
    }

    /// Throws ``SchemaVersionError`` when the file's schema is older than `minimum` (checked
    /// once; a failed check is tried again on the next call).
    func ensureSchema(_ minimum: Int = SQLiteSchema.currentVersion) throws {
        if let known = knownVersion.withLock({ $0 }), known >= minimum { return }
        let schema = self.schema
        let found = try withConnection { (connection) throws(SQLiteError) in
            try Self.recordedVersion(schema, on: connection, "reading the schema version of \(schema.table)")
        }
        guard found >= minimum else {
            throw SchemaVersionError(table: "\(schema.table) in \(path)", found: found, required: minimum, cause: nil)
        }
        knownVersion.withLock { $0 = found }
    }

    /// Whether the lock table and its token counter exist in the file (they do once
    /// ``migrate()`` ran, or the store was opened with ``Configuration/migratesAutomatically``).
    public func schemaExists() throws -> Bool {
        let schema = self.schema
        return try connection.withLock { (connection) throws(SQLiteError) in
            let found = try connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
                [.text(schema.table.name), .text(schema.table.name + "_token_seq")],
                cached: false, context: "looking for the lock tables"
            )
            return found.first?.first?.integer == 2
        }
    }

    public func acquire(_ request: LockRequest) throws -> AcquireResult {
        try acquire(request, now: nil)
    }

    /// Acquires as if SQLite's clock read `now`, like `PostgresLockStore.acquire(_:now:)`:
    /// lets the conformance suite test exact TTL boundaries on a real file.
    @_spi(Testing)
    public func acquire(_ request: LockRequest, now: Date?) throws -> AcquireResult {
        try LockID.validate(request.lockID)
        try ensureSchema()
        let schema = self.schema
        let retention = self.retention
        let context = "acquiring lock \(String(reflecting: request.lockID))"
        return try withConnection { (connection) throws(SQLiteError) in
            try connection.transaction(context: context) { () throws(SQLiteError) in
                try Self.acquire(request, now: now, schema, retention, on: connection, context)
            }
        }
    }

    /// Acquires every request in one `BEGIN IMMEDIATE` transaction: one wait for the file's
    /// write lock and one commit for the whole batch. An invalid lock id fails its own answer;
    /// a failure of the transaction fails every other.
    public func acquire(batch requests: [LockRequest]) -> [Result<AcquireResult, any Error>] {
        var answers = requests.map { request -> Result<AcquireResult, any Error>? in
            do {
                try LockID.validate(request.lockID)
                return nil
            } catch {
                return .failure(error)
            }
        }
        let pending = answers.indices.filter { answers[$0] == nil }
        guard !pending.isEmpty else { return answers.map { $0! } }
        let schema = self.schema
        let retention = self.retention
        let context = "acquiring \(pending.count) locks"
        do {
            try ensureSchema()
            let results = try withConnection { (connection) throws(SQLiteError) in
                try connection.transaction(context: context) { () throws(SQLiteError) in
                    try pending.map { (index) throws(SQLiteError) in
                        try Self.acquire(requests[index], now: nil, schema, retention, on: connection, context)
                    }
                }
            }
            for (index, result) in zip(pending, results) { answers[index] = .success(result) }
        } catch {
            for index in pending { answers[index] = .failure(error) }
        }
        return answers.map { $0! }
    }

    /// One acquisition inside the caller's transaction: the row, the token, the ledger.
    private static func acquire(
        _ request: LockRequest, now: Date?, _ schema: SQLiteSchema, _ retention: RunRetention,
        on connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) -> AcquireResult {
        let (now, row) = try Self.read(request.lockID, now: now, schema, on: connection, context)
        let control = try Self.control(for: request, schema, on: connection, context)
        let (refusal, controlWrite) = ControlRules.decide(control, for: request, at: now)
        if let controlWrite, let job = request.run?.job {
            try Self.writeControl(job, controlWrite, schema, on: connection, context)
        }
        if let refusal { return .refused(refusal) }
        if let trigger = request.run?.trigger,
           try Self.triggerIsClaimed(trigger, schema, on: connection, context) {
            return .refused(DBMutexError(lockID: request.lockID, reason: .triggerClaimed(trigger), checkedAt: now))
        }
        var (result, write) = try LockRules.acquire(row, for: request, at: now) { () throws(SQLiteError) in
            try connection.execute(schema.advanceToken, context: context)
            guard let token = try connection.execute(schema.currentToken, context: context).first?.first?.integer else {
                throw SQLiteError(
                    code: .statementFailed, path: connection.path, context: context,
                    message: "the token counter \(schema.tokenTable) has no row; was the table altered by hand?"
                )
            }
            return token
        }
        if let write { try Self.write(write, schema, on: connection, context) }
        if case .acquired(let lease) = result {
            result = .acquired(ControlRules.granted(lease, after: control))
            if let trigger = request.run?.trigger {
                try connection.execute(
                    schema.claimTrigger,
                    [.integer(trigger), .text(request.owner), .integer(now.jobKitEpochMicroseconds), .integer(lease.token)],
                    context: context
                )
            }
        }
        if case .acquired(let lease) = result, let record = RunLedgerRules.started(request, lease) {
            if lease.recovered != nil, let row {
                try connection.execute(
                    schema.markRunLost, [.integer(row.token), .integer(now.jobKitEpochMicroseconds)], context: context
                )
            }
            try connection.execute(
                schema.insertRun,
                [
                    .integer(record.token), .text(record.job), record.jobType.map { .text($0) } ?? .null,
                    .text(record.lockID), .integer(record.tick?.jobKitEpochMicroseconds), .text(record.owner),
                    .integer(record.startedAt.jobKitEpochMicroseconds),
                    request.run?.kind.map { .text($0.name) } ?? .null,
                ],
                context: context
            )
            try Self.prune(record, retention, schema, on: connection, context)
        }
        return result
    }

    public func heartbeat(_ lease: Lease, window: Duration) throws -> HeartbeatResult {
        try ensureSchema()
        let schema = self.schema
        let context = "heartbeating lock \(String(reflecting: lease.lockID))"
        return try withConnection { (connection) throws(SQLiteError) in
            try connection.transaction(context: context) { () throws(SQLiteError) in
                let (now, row) = try Self.read(lease.lockID, now: nil, schema, on: connection, context)
                let (result, write) = LockRules.heartbeat(row, lease: lease, window: window, at: now)
                if let write { try Self.write(write, schema, on: connection, context) }
                return result
            }
        }
    }

    public func release(_ lease: Lease) throws -> ReleaseResult {
        try release(lease, ending: nil)
    }

    public func release(_ lease: Lease, ending run: RunEnd?) throws -> ReleaseResult {
        try ensureSchema()
        let schema = self.schema
        let context = "releasing lock \(String(reflecting: lease.lockID))"
        return try withConnection { (connection) throws(SQLiteError) in
            try connection.transaction(context: context) { () throws(SQLiteError) in
                try Self.release(lease, ending: run, schema, on: connection, context)
            }
        }
    }

    /// Releases every lease in one transaction, one commit for the batch; a failure of the
    /// transaction fails every answer.
    public func release(batch releases: [LockRelease]) -> [Result<ReleaseResult, any Error>] {
        guard !releases.isEmpty else { return [] }
        let schema = self.schema
        let context = "releasing \(releases.count) locks"
        do {
            try ensureSchema()
            return try withConnection { (connection) throws(SQLiteError) in
                try connection.transaction(context: context) { () throws(SQLiteError) in
                    try releases.map { (release) throws(SQLiteError) in
                        .success(try Self.release(release.lease, ending: release.run, schema, on: connection, context))
                    }
                }
            }
        } catch {
            return releases.map { _ in .failure(error) }
        }
    }

    /// One release inside the caller's transaction: the row, and the run's ledger row.
    private static func release(
        _ lease: Lease, ending run: RunEnd?, _ schema: SQLiteSchema, on connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) -> ReleaseResult {
        let (now, row) = try Self.read(lease.lockID, now: nil, schema, on: connection, context)
        let (result, write) = LockRules.release(row, lease: lease, at: now)
        if let write { try Self.write(write, schema, on: connection, context) }
        if let run {
            try Self.endRun(lease.token, run, result, at: now, schema, on: connection, context)
        }
        return result
    }

    public func runs(of job: String, limit: Int) throws -> [RunRecord] {
        try ensureSchema()
        let schema = self.schema
        let context = "reading the runs of job \(String(reflecting: job))"
        return try withConnection { (connection) throws(SQLiteError) in
            try connection.execute(schema.history, [.text(job), .integer(Int64(max(0, limit)))], context: context)
                .map { (values) throws(SQLiteError) in try Self.runRecord(values, connection, context) }
        }
    }

    public func locks() throws -> [LockState] {
        try ensureSchema(1)
        let schema = self.schema
        let context = "listing locks"
        return try withConnection { (connection) throws(SQLiteError) in
            // One read transaction: the rows and the time they are judged at form one snapshot.
            try connection.transaction(immediate: false, context: context) { () throws(SQLiteError) in
                let now = try Self.time(connection.execute(schema.now, context: context).first?.first, connection, context)
                return try connection.execute(schema.list, context: context).map { (values) throws(SQLiteError) in
                    try Self.row(values, from: 0, connection, context).state(at: now)
                }
            }
        }
    }

    public func forceRelease(_ lockID: String) throws -> Bool {
        try LockID.validate(lockID)
        try ensureSchema(1)
        let schema = self.schema
        let context = "force-releasing lock \(String(reflecting: lockID))"
        return try withConnection { (connection) throws(SQLiteError) in
            try connection.transaction(context: context) { () throws(SQLiteError) in
                let (now, row) = try Self.read(lockID, now: nil, schema, on: connection, context)
                let (released, write) = LockRules.forceRelease(row, at: now)
                if let write { try Self.write(write, schema, on: connection, context) }
                return released
            }
        }
    }

    // MARK: The file at the path

    /// Runs `body` on the connection to the file now at ``path``, opening the path again first
    /// when the open file is no longer there.
    func withConnection<T: Sendable>(
        _ body: (SQLiteConnection) throws(SQLiteError) -> T
    ) throws(SQLiteError) -> T {
        try connection.withLock { (current) throws(SQLiteError) -> T in
            let connection = try currentConnection(&current)
            do throws(SQLiteError) {
                return try body(connection)
            } catch {
                // Give back what the WAL holds: the full volume may be the WAL's own doing.
                if error.code == .volumeFull { connection.truncateWAL() }
                throw error
            }
        }
    }

    /// `current` when it still has the file at ``path`` open, else a new connection to the
    /// path, reported as ``JobEvent/storeReopened``.
    private func currentConnection(_ current: inout SQLiteConnection) throws(SQLiteError) -> SQLiteConnection {
        guard current.fileHasMoved else { return current }
        let replaced = FileManager.default.fileExists(atPath: path)
        let fresh = try SQLiteConnection.open(
            path: path, busyTimeout: configuration.busyTimeout, creating: configuration.createsFile
        )
        if configuration.migratesAutomatically {
            try Self.migrate(schema, on: fresh)
        }
        current = fresh
        let what = replaced ? "replaced by another file" : "deleted or moved away"
        configuration.logger?.jobEvent(
            .storeReopened, level: .warning,
            "The SQLite file at \(path) was \(what); the store opened the path again, and locks held in the old file are lost.",
            [LogKeys.store: .string(description), LogKeys.reason: .string(replaced ? "replaced" : "deleted")]
        )
        return fresh
    }

    // MARK: Rows

    /// Ends the run row of `token`.
    private static func endRun(
        _ token: Int64, _ run: RunEnd, _ result: ReleaseResult, at now: Date,
        _ schema: SQLiteSchema, on connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) {
        try connection.execute(
            schema.endRun,
            [
                .integer(token), .integer(now.jobKitEpochMicroseconds), .text(run.recordedOutcome(after: result).name),
                run.boundedError.map { .text($0) } ?? .null, .integer(RunLedgerRules.overlapped(after: result) ? 1 : 0),
            ],
            context: context
        )
    }

    /// Prunes the job of `record` (just opened) to its newest runs, as ``RunRetention`` describes.
    private static func prune(
        _ record: RunRecord, _ retention: RunRetention, _ schema: SQLiteSchema, on connection: SQLiteConnection,
        _ context: String
    ) throws(SQLiteError) {
        guard let seq = try connection.execute(schema.runNumber, [.integer(record.token)], context: context).first?.first?.integer
        else { return }
        let bound = seq - Int64(retention.runsPerJob)
        try connection.execute(schema.pruneRun, [.text(record.job), .integer(bound)], context: context)
        if seq % Int64(RunRetention.sweepEvery) == 0 {
            try connection.execute(schema.sweepRuns, [.text(record.job), .integer(bound)], context: context)
        }
    }

    /// Reads a row of ``SQLiteSchema/history``.
    private static func runRecord(_ values: [SQLiteValue], _ connection: SQLiteConnection, _ context: String) throws(SQLiteError) -> RunRecord {
        guard values.count == 12, let job = values[0].text, let lockID = values[2].text, let token = values[4].integer,
              let owner = values[5].text, let startedAt = values[6].integer,
              let outcome = values[8].text.flatMap(RunOutcome.init(name:))
        else {
            throw unexpected("a run row has NULL or mistyped required columns", connection, context)
        }
        return RunRecord(
            job: job, jobType: values[1].text, lockID: lockID, tick: values[3].integer.map(Date.init(epochMicroseconds:)),
            token: token, owner: owner, startedAt: Date(epochMicroseconds: startedAt),
            endedAt: values[7].integer.map(Date.init(epochMicroseconds:)), outcome: outcome, error: values[9].text,
            overlapped: values[10].integer == 1, kind: values[11].text.flatMap(RunKind.init(name:))
        )
    }

    /// Brings the file from the version it records to ``SQLiteSchema/currentVersion``, in one
    /// `BEGIN IMMEDIATE` transaction (see ``SQLiteSchema/steps``).
    private static func migrate(_ schema: SQLiteSchema, on connection: SQLiteConnection) throws(SQLiteError) {
        let context = "migrating the lock tables \(schema.table)"
        try connection.transaction(context: context) { () throws(SQLiteError) in
            let found = try recordedVersion(schema, on: connection, context)
            guard found < SQLiteSchema.currentVersion else { return }
            // Version 1 recorded nothing, so a file found at version 1 may lack part of it (a
            // table made by hand, a lost token counter): its step, idempotent, runs again.
            for step in schema.steps where step.version > found || step.version == 1 {
                for statement in step.statements {
                    try connection.execute(statement, cached: false, context: context)
                }
            }
            if found < 2 {
                // Version 2's force-release mark. SQLite has no ADD COLUMN IF NOT EXISTS, and a
                // table may have the column without a version record (a build between the two).
                let columns = try connection.execute(
                    SQLiteSchema.columnNames, [.text(schema.table.name)], cached: false, context: context
                ).compactMap { $0.first?.text }
                if !columns.contains(SQLiteSchema.forceReleasedColumn) {
                    try connection.execute(schema.addForceReleasedColumn, cached: false, context: context)
                }
            }
            if found < 5 {
                // Version 5's run kind, added only when missing, like the force-release mark.
                let columns = try connection.execute(
                    SQLiteSchema.columnNames, [.text(schema.table.name + "_runs")], cached: false, context: context
                ).compactMap { $0.first?.text }
                if !columns.contains(SQLiteSchema.runKindColumn) {
                    try connection.execute(schema.addRunKindColumn, cached: false, context: context)
                }
            }
            try connection.execute(
                schema.recordVersion, [.integer(Int64(SQLiteSchema.currentVersion))], cached: false, context: context
            )
        }
    }

    /// The recorded version: 0 without a lock table, 1 with a lock table but no version record.
    static func recordedVersion(_ schema: SQLiteSchema, on connection: SQLiteConnection, _ context: String) throws(SQLiteError) -> Int {
        let tables = try connection.execute(
            schema.findTables, [.text(schema.table.name + "_schema"), .text(schema.table.name)], cached: false, context: context
        ).first ?? []
        guard tables.count == 2, let hasSchema = tables[0].integer, let hasLocks = tables[1].integer else {
            throw unexpected("the schema lookup returned no row", connection, context)
        }
        guard hasSchema > 0 else { return hasLocks > 0 ? 1 : 0 }
        let version = try connection.execute(schema.readVersion, cached: false, context: context).first?.first?.integer
        return version.map { Int($0) } ?? 1
    }

    /// The time to judge at (`now` when given, else SQLite's clock) and the row, if any.
    private static func read(
        _ lockID: String, now: Date?, _ schema: SQLiteSchema, on connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) -> (Date, LockRow?) {
        let override = now.map { $0.jobKitEpochMicroseconds }
        guard let values = try connection.execute(schema.readRow, [.text(lockID), .integer(override)], context: context).first else {
            throw unexpected("the row query returned nothing", connection, context)
        }
        let time = try time(values.first, connection, context)
        guard values.count > 1, values[1] != .null else { return (time, nil) }
        return (time, try row(values, from: 1, connection, context))
    }

    private static func write(
        _ row: LockRow, _ schema: SQLiteSchema, on connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) {
        try connection.execute(
            schema.writeRow,
            [
                .text(row.lockID), .text(row.owner), .integer(row.token),
                .integer(row.acquiredAt.jobKitEpochMicroseconds),
                .integer(row.expiresAt?.jobKitEpochMicroseconds), .integer(row.aliveUntil?.jobKitEpochMicroseconds),
                .integer(row.releasedAt?.jobKitEpochMicroseconds), .integer(row.lastTick?.jobKitEpochMicroseconds),
                .integer(row.forceReleasedAt?.jobKitEpochMicroseconds),
            ],
            context: context
        )
    }

    /// Reads the columns of ``SQLiteSchema/columns`` starting at `offset`.
    private static func row(
        _ values: [SQLiteValue], from offset: Int, _ connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) -> LockRow {
        guard values.count >= offset + 9,
              let lockID = values[offset].text, let owner = values[offset + 1].text,
              let token = values[offset + 2].integer, let acquiredAt = values[offset + 3].integer
        else {
            throw unexpected("a lock row has NULL or mistyped required columns", connection, context)
        }
        func date(_ index: Int) -> Date? { values[offset + index].integer.map(Date.init(epochMicroseconds:)) }
        return LockRow(
            lockID: lockID, owner: owner, token: token, acquiredAt: Date(epochMicroseconds: acquiredAt),
            expiresAt: date(4), aliveUntil: date(5), releasedAt: date(6), lastTick: date(7),
            forceReleasedAt: date(8)
        )
    }

    private static func time(_ value: SQLiteValue?, _ connection: SQLiteConnection, _ context: String) throws(SQLiteError) -> Date {
        guard let microseconds = value?.integer else { throw unexpected("SQLite's clock read NULL", connection, context) }
        return Date(epochMicroseconds: microseconds)
    }

    static func unexpected(_ detail: String, _ connection: SQLiteConnection, _ context: String) -> SQLiteError {
        SQLiteError(code: .statementFailed, path: connection.path, context: context, message: detail)
    }
}
