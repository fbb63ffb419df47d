import Foundation

/// A database that keeps one row per lock, under the lock contract of JobKit.
///
/// Every store keeps the same contract, checked by one conformance suite:
/// - All time arithmetic happens on the store's own clock (the database server's), never
///   the application's.
/// - ``acquire(_:)`` succeeds when the row is absent, released, past its TTL deadline, or
///   past its liveness deadline, and returns a lease whose fencing token is strictly greater
///   than every earlier token for that id. A request for a tick not newer than the last
///   claimed tick is refused as already ran, before the holder is considered.
/// - ``heartbeat(_:window:)`` extends the liveness deadline of a lease that still holds.
/// - ``release(_:)`` matches on the token and says whether the TTL passed before the release,
///   and whether the lease was lost meanwhile: force-released by an operator, or taken over
///   by another holder (named, whether it still holds the lock or has released it since).
///
/// The requirements **block the calling thread** while they talk to the database, so they
/// are unavailable from `async` code (`noasync`). ``DBMutex`` calls them from its own
/// Dispatch queues, never from Swift's cooperative thread pool; code calling a store
/// directly from `async` code should do the same.
public protocol LockStore: Sendable, CustomStringConvertible {
    /// Creates or updates the schema. Idempotent, and safe to run from several processes at once.
    @available(*, noasync, message: "It blocks the thread; call it from a Dispatch queue, or use DBMutex's async API.")
    func migrate() throws

    /// Tries to take a lock, in one round trip.
    @available(*, noasync, message: "It blocks the thread; call it from a Dispatch queue, or use DBMutex's async API.")
    func acquire(_ request: LockRequest) throws -> AcquireResult

    /// Tries to take several locks at once, each exactly as ``acquire(_:)`` would: the answers
    /// come back in the order of `requests`. A store that can makes it one round trip and one
    /// commit (the scheduler sends the claims one process fires for the same instant this way);
    /// by default it acquires one lock after the other. When the whole batch fails (the store
    /// cannot be reached), every answer carries that error.
    @available(*, noasync, message: "It blocks the thread; call it from a Dispatch queue, or use DBMutex's async API.")
    func acquire(batch requests: [LockRequest]) -> [Result<AcquireResult, any Error>]

    /// Releases several leases at once, each exactly as ``release(_:ending:)`` would, answering
    /// in the order of `releases`; one round trip and one commit where the store can, one
    /// release after the other by default.
    @available(*, noasync, message: "It blocks the thread; call it from a Dispatch queue, or use DBMutex's async API.")
    func release(batch releases: [LockRelease]) -> [Result<ReleaseResult, any Error>]

    /// Extends the liveness deadline of `lease` to `window` from the store's current time.
    @available(*, noasync, message: "It blocks the thread; call it from a Dispatch queue, or use DBMutex's async API.")
    func heartbeat(_ lease: Lease, window: Duration) throws -> HeartbeatResult

    /// Releases `lease`, in one round trip, matching on its token.
    @available(*, noasync, message: "It blocks the thread; call it from a Dispatch queue, or use DBMutex's async API.")
    func release(_ lease: Lease) throws -> ReleaseResult

    /// Releases `lease` like ``release(_:)`` and ends its run-ledger row (opened by an acquire
    /// with a ``LockRequest/run``) with `run`, in the same round trip and commit. `nil` ends
    /// no row. A store without a ledger releases only.
    func release(_ lease: Lease, ending run: RunEnd?) throws -> ReleaseResult

    /// The newest runs of `job` in the run ledger, newest first, at most `limit`.
    ///
    /// - Throws: ``RunLedgerUnavailableError`` for a store that keeps no ledger; the store's
    ///   error (such as ``SchemaVersionError``) when it cannot be read.
    func runs(of job: String, limit: Int) throws -> [RunRecord]

    /// Every lock row the store keeps, ordered by lock id, with its state now.
    @available(*, noasync, message: "It blocks the thread; call it from a Dispatch queue, or use DBMutex's async API.")
    func locks() throws -> [LockState]

    /// Releases a lock whoever holds it. Returns `false` when it was already released or
    /// never taken; a lock whose holder expired or stopped beating, but never released it,
    /// is released and counts as `true`.
    ///
    /// The holder is not told; it finds out on its next heartbeat or at release (as
    /// ``LeaseLoss/forceReleased(at:)``: the row keeps a force-release mark until the next
    /// acquisition), and a new holder may start at once, so an overlap can follow. For operators clearing a lock
    /// left by a machine known to be gone.
    @available(*, noasync, message: "It blocks the thread; call it from a Dispatch queue, or use DBMutex's async API.")
    func forceRelease(_ lockID: String) throws -> Bool

    /// Pauses `job` for the whole fleet, replacing an earlier pause's note and author.
    /// From then on, each acquire for one of its ticks is refused (``DBMutexError/Reason/paused(_:)``
    /// for the first caller of a tick, as already ran for the others), until ``resume(_:)``.
    /// `reason` must pass ``PauseReason/validated(_:)``.
    func pause(_ job: String, reason: String?, by who: String) throws -> JobPause

    /// Ends the pause of `job`; returns the pause ended, or `nil` when it was not paused.
    func resume(_ job: String) throws -> JobPause?

    /// Every paused job, by name.
    func pauses() throws -> [JobPause]

    /// Asks the schedulers that run `job` for one extra run of it; see ``TriggerRequest``.
    func requestTrigger(_ job: String, by who: String) throws -> TriggerRequest

    /// The trigger request numbered `id`, as it stands now; `nil` once withdrawn or pruned.
    func triggerRequest(_ id: Int64) throws -> TriggerRequest?

    /// Withdraws the trigger request `id` if no scheduler has claimed it; returns whether it did.
    func withdrawTrigger(_ id: Int64) throws -> Bool

    /// The control poll of a scheduler, in one statement: the pauses of `jobs` and their
    /// unclaimed trigger requests, marking those no scheduler had seen as seen by `owner`.
    func controls(for jobs: [String], seenBy owner: String) throws -> ControlSnapshot

    /// Throws when this store cannot back the ``Scheduler`` (once per tick, heartbeats); the
    /// scheduler then stops at start with `config.invalid`. Every store can, by default.
    func validateForScheduling() throws
}

extension LockStore {
    /// Releases only: a store without a run ledger has no row to end.
    public func release(_ lease: Lease, ending run: RunEnd?) throws -> ReleaseResult {
        try release(lease)
    }

    /// Throws ``RunLedgerUnavailableError``: this store keeps no run ledger.
    public func runs(of job: String, limit: Int) throws -> [RunRecord] {
        throw RunLedgerUnavailableError(store: description)
    }
}

/// What ``LockStore/acquire(_:)`` is asked for.
public struct LockRequest: Sendable, Hashable {
    /// The lock id; see ``LockID`` for the rules.
    public var lockID: String
    /// Who is asking, as other processes will see it.
    public var owner: String
    /// The TTL; `nil` for a lock that never expires.
    public var ttl: Duration?
    /// The liveness window; `nil` when the holder will not heartbeat.
    public var liveness: Duration?
    /// The scheduled tick this run is for, if any; see the once-per-tick rule on ``LockStore``.
    public var tick: Date?
    /// The job this acquisition runs, when it is a job's run: the store then opens its
    /// run-ledger row in the same round trip. `nil` (the plain mutex) writes no row.
    public var run: RunStart?

    /// Creates a request.
    public init(
        lockID: String, owner: String, ttl: Duration?, liveness: Duration?, tick: Date? = nil, run: RunStart? = nil
    ) {
        self.lockID = lockID
        self.owner = owner
        self.ttl = ttl
        self.liveness = liveness
        self.tick = tick
        self.run = run
    }
}

/// The answer to ``LockStore/acquire(_:)``.
public enum AcquireResult: Sendable, Hashable {
    /// The lock is now held by the caller.
    case acquired(Lease)
    /// The lock was refused; the error says why.
    case refused(DBMutexError)
}

/// The answer to ``LockStore/heartbeat(_:window:)``.
public enum HeartbeatResult: Sendable, Hashable {
    /// The lease still holds. `expired` is `true` once its TTL has passed (the lease can
    /// now be taken over at any moment).
    case alive(expired: Bool)
    /// The lease no longer holds; `loss` says whether it was force-released by an operator
    /// or taken over (and by whom).
    case lost(LeaseLoss)
}

/// The answer to ``LockStore/release(_:)``.
public enum ReleaseResult: Sendable, Hashable {
    /// Released within the TTL.
    case released
    /// Released, but the TTL had passed first; nobody took over or force-released it meanwhile.
    case expired(at: Date)
    /// The lease no longer held when it was released: an operator force-released it while it
    /// was held, or another holder took it over (the critical sections may have overlapped).
    /// `loss` says which, and names the holder that took over.
    case lost(LeaseLoss)
}

/// One lock row as ``LockStore/locks()`` reports it.
public struct LockState: Sendable, Hashable {
    /// What the row means now, on the store's clock.
    public enum Status: String, Sendable, Hashable {
        /// Held, within its TTL and liveness deadline.
        case held
        /// Released; free to take.
        case released
        /// Its TTL passed before a release; free to take.
        case expired
        /// Its holder stopped beating; free to take.
        case dead
    }

    /// The lock id.
    public var lockID: String
    /// The last acquisition's owner.
    public var owner: String
    /// The last acquisition's fencing token.
    public var token: Int64
    /// When the last acquisition happened.
    public var acquiredAt: Date
    /// Its TTL deadline, if any.
    public var expiresAt: Date?
    /// Its liveness deadline, if any.
    public var aliveUntil: Date?
    /// When it was released, if it was.
    public var releasedAt: Date?
    /// The last tick claimed for this lock, if any.
    public var lastTick: Date?
    /// The state at the store's current time.
    public var status: Status

    /// Creates a state row.
    public init(
        lockID: String, owner: String, token: Int64, acquiredAt: Date, expiresAt: Date?,
        aliveUntil: Date?, releasedAt: Date?, lastTick: Date?, status: Status
    ) {
        self.lockID = lockID
        self.owner = owner
        self.token = token
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
        self.aliveUntil = aliveUntil
        self.releasedAt = releasedAt
        self.lastTick = lastTick
        self.status = status
    }

    /// The holder this row describes.
    public var holder: LockHolder {
        LockHolder(owner: owner, token: token, since: acquiredAt, until: expiresAt, aliveUntil: aliveUntil)
    }
}
