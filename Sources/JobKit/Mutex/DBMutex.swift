import Foundation
import Logging

/// Locks critical sections across processes and machines through a ``LockStore``.
///
/// A `DBMutex` is a value holding its settings: the store, the owner string other processes
/// see, the default TTL, the heartbeat policy and a logger. Build one per store and share it.
///
/// ```swift
/// let mutex = DBMutex(store: try PostgresLockStore(url: url), logger: logger)
/// try await mutex.withLock("nightly-report") {
///     try await buildReport()
/// }
/// ```
///
/// While the body runs, the mutex heartbeats so a holder that dies frees the lock within
/// the heartbeat window, reports `lock.expired` the moment the TTL passes, and reports
/// `lock.lost` if a beat finds the lease gone. The lock is not re-entrant: taking an id
/// that this process already holds is refused like any other holder.
public struct DBMutex: Sendable {
    /// Where the locks live.
    public var store: any LockStore
    /// Who this process is, as other processes see it in ``DBMutexError``.
    public var owner: String
    /// The TTL used when a call does not set one.
    public var ttl: LockTTL
    /// How holders prove they are alive; `nil` disables heartbeats (a dead holder then keeps
    /// its lock until the TTL passes).
    public var heartbeat: HeartbeatPolicy?
    /// Where lock events (`lock.recovered`, `lock.expired`, `lock.lost`, `lock.overran`) go.
    public var logger: Logger
    /// Where runs, skips, overlaps and the mutex's own acquisitions are counted (``JobMetric``);
    /// by default through the factory the application bootstrapped `MetricsSystem` with.
    public var metrics: JobKitMetrics = .global
    /// The clock a held lease's heartbeats and TTL timer run on: wall time by default
    /// (``DispatchWallClock``), so a holder paused with its virtual machine beats as soon as it
    /// wakes; see ``LeaseClock``. Tests may set one they move by hand.
    public var leaseClock: any LeaseClock = DispatchWallClock()
    /// Where acquires and releases go when they are batched (the ``Scheduler`` sets one); `nil`
    /// sends each to the store alone.
    var claims: ClaimBatcher?

    /// Creates a mutex.
    ///
    /// - Parameters:
    ///   - store: where the locks live.
    ///   - owner: the owner string other processes see; by default `host:pid`.
    ///   - ttl: the default TTL; by default `DB_MUTEX_TTL_SECONDS` or 30 minutes.
    ///   - heartbeat: the heartbeat policy; by default every 10 s with a 30 s window.
    ///   - logger: the logger for lock events (`lock.recovered`, `lock.expired`, `lock.lost`,
    ///     `lock.overran`). Required: these are the overlap alerts, and a default that
    ///     discards them would hide exactly what on-call needs.
    public init(
        store: any LockStore,
        owner: String = LockOwner.current,
        ttl: LockTTL = .default,
        heartbeat: HeartbeatPolicy? = .default,
        logger: Logger
    ) {
        self.store = store
        self.owner = owner
        self.ttl = ttl
        self.heartbeat = heartbeat
        self.logger = logger
    }

    // MARK: Building blocks shared by the sync and async forms

    func request(_ lockID: String, ttl: LockTTL?, tick: Date?) throws -> LockRequest {
        try LockID.validate(lockID)
        let resolved = try (ttl ?? self.ttl).resolve()
        return LockRequest(lockID: lockID, owner: owner, ttl: resolved, liveness: heartbeat?.window, tick: tick)
    }

    /// Acquires, reports a recovery, and starts the keeper. Blocks.
    func hold(
        _ request: LockRequest,
        whenAcquired: @Sendable (Lease) -> Void = { _ in },
        whenExpired: @escaping @Sendable () -> Void = {},
        whenLost: @escaping @Sendable (LeaseLoss) -> Void = { _ in }
    ) throws -> LeaseKeeper {
        try hold(store.acquire(request), for: request, whenAcquired: whenAcquired, whenExpired: whenExpired, whenLost: whenLost)
    }

    /// Turns the store's answer to `request` into a held lease: reports a recovery and starts
    /// the keeper; throws a refusal. Does not block.
    func hold(
        _ answer: AcquireResult, for request: LockRequest,
        whenAcquired: @Sendable (Lease) -> Void = { _ in },
        whenExpired: @escaping @Sendable () -> Void = {},
        whenLost: @escaping @Sendable (LeaseLoss) -> Void = { _ in }
    ) throws -> LeaseKeeper {
        switch answer {
        case .refused(let error):
            throw error
        case .acquired(let lease):
            if let recovery = lease.recovered { reportRecovery(recovery, lease: lease) }
            if let ahead = lease.tokenAheadOfClock { reportClockBehind(ahead, lease: lease) }
            // Before the keeper's timers start, so nothing it reports can precede it.
            whenAcquired(lease)
            let keeper = LeaseKeeper(
                lease: lease, store: store, policy: heartbeat, clock: leaseClock, logger: logger,
                whenExpired: whenExpired, whenLost: whenLost
            )
            keeper.start(ttl: request.ttl)
            return keeper
        }
    }

    /// What the body and the release came to.
    struct Run<R> {
        var lease: Lease
        var body: Result<R, any Error>
        var release: Result<ReleaseResult, any Error>
        /// How a heartbeat found the lease gone while the body ran, if one did.
        var loss: LeaseLoss?
    }

    /// Turns a finished run into the caller's answer: the body's error first, then the
    /// timeout (the TTL ran out, or the lease was lost). A timeout hidden behind a body error
    /// is logged as `lock.overran`; a failed release is logged as `lock.release_failed` and
    /// does not hide the body's value (the lock frees when its heartbeat window or TTL passes).
    func answer<R>(_ run: Run<R>) throws -> R {
        let timeout = settle(run)
        switch run.body {
        case .failure(let bodyError):
            if let timeout { reportHiddenTimeout(timeout, behind: bodyError) }
            throw bodyError
        case .success(let value):
            if let timeout { throw timeout }
            return value
        }
    }

    /// The timeout a finished run came to, if any: from the release's answer, or from a loss a
    /// heartbeat saw when the release could not tell. Reports a failed release as
    /// `lock.release_failed`.
    func settle<R>(_ run: Run<R>) -> DBMutexTimeoutError? {
        switch run.release {
        case .success(let outcome):
            return timeoutError(for: run.lease, outcome) ?? run.loss.flatMap { timeoutError(for: run.lease, .lost($0)) }
        case .failure(let error):
            reportReleaseFailure(error, lease: run.lease)
            return run.loss.flatMap { timeoutError(for: run.lease, .lost($0)) }
        }
    }

    func timeoutError(for lease: Lease, _ outcome: ReleaseResult) -> DBMutexTimeoutError? {
        switch outcome {
        case .released:
            return nil
        case .expired(let at):
            return DBMutexTimeoutError(
                lockID: lease.lockID, token: lease.token, expiredAt: at, ttl: lease.ttl,
                overlapped: false, newHolder: nil
            )
        case .lost(let loss):
            // Report an expiry only when the loss is known to have come after it. A takeover
            // before the TTL ran out (missed heartbeats) has no expiry to report.
            let lostAt = loss.newHolder?.since ?? loss.forceReleasedAt
            let expired = lostAt.flatMap { lostAt in lease.expiresAt.flatMap { lostAt >= $0 ? $0 : nil } }
            return DBMutexTimeoutError(
                lockID: lease.lockID, token: lease.token, expiredAt: expired,
                ttl: lease.ttl, overlapped: loss.mayHaveOverlapped, newHolder: loss.newHolder, loss: loss
            )
        }
    }

    private func reportRecovery(_ recovery: LockRecovery, lease: Lease) {
        logger.jobEvent(
            .lockRecovered, level: .warning,
            "Took lock \"\(lease.lockID)\" over from \(recovery.previous.owner) (\(recovery.reason.rawValue)).",
            [
                LogKeys.lockID: .string(lease.lockID),
                LogKeys.token: .number(lease.token),
                LogKeys.owner: .string(lease.owner),
                LogKeys.previousOwner: .string(recovery.previous.owner),
                LogKeys.previousToken: .number(recovery.previous.token),
                LogKeys.reason: .string(recovery.reason.rawValue),
            ]
        )
    }

    private func reportClockBehind(_ ahead: Duration, lease: Lease) {
        let microseconds = ahead.components.seconds * 1_000_000 + ahead.components.attoseconds / 1_000_000_000_000
        logger.jobEvent(
            .storeClockBehind, level: .error,
            "The store's clock is behind the last fencing token of lock \"\(lease.lockID)\": token \(lease.token) was set \(microseconds) µs ahead of the clock to stay increasing. Check the database host's clock.",
            [
                LogKeys.lockID: .string(lease.lockID),
                LogKeys.token: .number(lease.token),
                LogKeys.owner: .string(lease.owner),
                LogKeys.aheadUS: .number(microseconds),
            ]
        )
    }

    private func reportHiddenTimeout(_ timeout: DBMutexTimeoutError, behind bodyError: any Error) {
        var fields: Logger.Metadata = [
            LogKeys.lockID: .string(timeout.lockID),
            LogKeys.token: .number(timeout.token),
            LogKeys.error: .string("\(bodyError)"),
        ]
        fields.merge(.timeoutFields(timeout)) { _, new in new }
        logger.jobEvent(.lockOverran, level: .error, "\(timeout.description) The critical code also threw, and its error is what the caller sees.", fields)
    }

    private func reportReleaseFailure(_ error: any Error, lease: Lease) {
        var fields: Logger.Metadata = [
            LogKeys.lockID: .string(lease.lockID), LogKeys.token: .number(lease.token),
            LogKeys.owner: .string(lease.owner), LogKeys.error: .string("\(error)"),
        ]
        if let ttl = lease.ttl { fields[LogKeys.ttlSeconds] = .seconds(ttl) }
        let frees = heartbeat.map { "when its heartbeat window of \($0.window.jobKitSeconds) s passes" }
            ?? "when its TTL passes"
        logger.jobEvent(
            .lockReleaseFailed, level: .warning,
            "Releasing lock \"\(lease.lockID)\" (token \(lease.token)) failed: \(error) The lock frees \(frees).",
            fields
        )
    }
}
