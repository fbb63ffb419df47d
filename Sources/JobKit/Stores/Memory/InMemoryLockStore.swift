import Foundation
import Synchronization

/// The lock contract inside one process, on an injectable clock: **the store for unit tests
/// of your jobs**.
///
/// It keeps the same rules as the database stores (the conformance suite runs against all of
/// them), so a job tested here behaves the same on PostgreSQL. With a ``ManualLockClock`` a
/// test steps through TTLs and heartbeat windows instead of sleeping:
///
/// ```swift
/// let clock = ManualLockClock()
/// let store = InMemoryLockStore(clock: clock)
/// let first = DBMutex(store: store, owner: "worker-1", ttl: .seconds(60), heartbeat: nil, logger: logger)
/// let second = DBMutex(store: store, owner: "worker-2", ttl: .seconds(60), heartbeat: nil, logger: logger)
///
/// try first.withLock("report") {
///     // a second worker is refused while the first runs…
///     #expect(throws: DBMutexError.self) { try second.withLock("report") {} }
///     // …and takes over once the TTL has passed
///     clock.advance(by: .seconds(60))
///     try second.withLock("report") {}
/// }   // the first worker now throws DBMutexTimeoutError(overlapped: true)
/// ```
///
/// Locks live as long as the store and are seen only by the code that shares it: it
/// protects nothing across processes. Use ``SQLiteLockStore`` for one machine and
/// ``PostgresLockStore`` for a fleet. Like every store it keeps times in whole microseconds.
public final class InMemoryLockStore: LockStore {
    private struct State {
        var rows: [String: LockRow] = [:]
        var lastToken: Int64 = 0
        /// The run ledger: each job's runs, oldest first.
        var runs: [String: [RunRecord]] = [:]
        /// The job of each run token still in the ledger.
        var jobOfToken: [Int64: String] = [:]
        /// The fleet controls: each job's pause and newest skipped tick.
        var controls: [String: ControlRules.Row] = [:]
        /// The trigger requests, by number.
        var triggers: [Int64: TriggerRequest] = [:]
        var lastTrigger: Int64 = 0

        /// Replaces the run of `record.token`, if it is still kept.
        mutating func update(_ record: RunRecord) {
            guard let index = runs[record.job]?.lastIndex(where: { $0.token == record.token }) else { return }
            runs[record.job]?[index] = record
        }

        func run(token: Int64) -> RunRecord? {
            jobOfToken[token].flatMap { job in runs[job]?.last { $0.token == token } }
        }
    }

    /// The clock all lock arithmetic reads.
    public let clock: any LockClock
    /// How many runs of each job the ledger keeps.
    public let retention: RunRetention
    private let state = Mutex(State())

    /// Creates an empty store reading `clock`; by default the system clock.
    public init(clock: any LockClock = SystemLockClock(), retention: RunRetention = .default) {
        self.clock = clock
        self.retention = retention
    }

    public var description: String { "memory:" }

    /// Does nothing: there is no schema.
    public func migrate() {}

    public func acquire(_ request: LockRequest) throws -> AcquireResult {
        try acquire(request, now: nil)
    }

    /// Acquires as if the clock read `now` (the clock itself does not move), like
    /// `PostgresLockStore.acquire(_:now:)`: lets the conformance suite test exact boundaries
    /// the same way on every store.
    @_spi(Testing)
    public func acquire(_ request: LockRequest, now: Date?) throws -> AcquireResult {
        try LockID.validate(request.lockID)
        let now = LockRules.onMicrosecondGrid(now ?? clock.now())
        let retention = self.retention
        return state.withLock { state in Self.acquire(request, at: now, in: &state, retention: retention) }
    }

    /// Acquires every request under one hold of the store's lock, at one instant: the
    /// memory store's one call.
    public func acquire(batch requests: [LockRequest]) -> [Result<AcquireResult, any Error>] {
        let now = LockRules.onMicrosecondGrid(clock.now())
        let retention = self.retention
        return state.withLock { state in
            requests.map { request in
                Result { () throws(InvalidLockIDError) in
                    try LockID.validate(request.lockID)
                    return Self.acquire(request, at: now, in: &state, retention: retention)
                }.mapError { $0 as any Error }
            }
        }
    }

    private static func acquire(
        _ request: LockRequest, at now: Date, in state: inout State, retention: RunRetention
    ) -> AcquireResult {
        let control = request.run.flatMap { state.controls[$0.job] }
        let (refusal, controlWrite) = ControlRules.decide(control, for: request, at: now)
        if let controlWrite, let job = request.run?.job { state.controls[job] = controlWrite }
        if let refusal { return .refused(refusal) }
        if let trigger = request.run?.trigger, state.triggers[trigger].map({ $0.claimedBy != nil }) ?? true {
            return .refused(DBMutexError(lockID: request.lockID, reason: .triggerClaimed(trigger), checkedAt: now))
        }
        let previous = state.rows[request.lockID]
        var (result, write) = LockRules.acquire(previous, for: request, at: now) {
            state.lastToken += 1
            return state.lastToken
        }
        if let write { state.rows[request.lockID] = write }
        if case .acquired(let lease) = result {
            result = .acquired(ControlRules.granted(lease, after: control))
            if let trigger = request.run?.trigger {
                state.triggers[trigger]?.claimedBy = request.owner
                state.triggers[trigger]?.token = lease.token
            }
        }
        if case .acquired(let lease) = result, let record = RunLedgerRules.started(request, lease) {
            if lease.recovered != nil, let previous,
               let gone = state.run(token: previous.token).flatMap({ RunLedgerRules.takenOver($0, at: now) }) {
                state.update(gone)
            }
            state.runs[record.job, default: []].append(record)
            state.jobOfToken[record.token] = record.job
            let excess = (state.runs[record.job]?.count ?? 0) - retention.runsPerJob
            if excess > 0 {
                for pruned in state.runs[record.job]?.prefix(excess) ?? [] { state.jobOfToken[pruned.token] = nil }
                state.runs[record.job]?.removeFirst(excess)
            }
        }
        return result
    }

    public func heartbeat(_ lease: Lease, window: Duration) -> HeartbeatResult {
        let now = LockRules.onMicrosecondGrid(clock.now())
        return state.withLock { state in
            let (result, write) = LockRules.heartbeat(state.rows[lease.lockID], lease: lease, window: window, at: now)
            if let write { state.rows[lease.lockID] = write }
            return result
        }
    }

    public func release(_ lease: Lease) -> ReleaseResult {
        release(lease, ending: nil)
    }

    public func release(_ lease: Lease, ending run: RunEnd?) -> ReleaseResult {
        let now = LockRules.onMicrosecondGrid(clock.now())
        return state.withLock { state in Self.release(lease, ending: run, at: now, in: &state) }
    }

    /// Releases every lease under one hold of the store's lock, at one instant.
    public func release(batch releases: [LockRelease]) -> [Result<ReleaseResult, any Error>] {
        let now = LockRules.onMicrosecondGrid(clock.now())
        return state.withLock { state in
            releases.map { .success(Self.release($0.lease, ending: $0.run, at: now, in: &state)) }
        }
    }

    private static func release(_ lease: Lease, ending run: RunEnd?, at now: Date, in state: inout State) -> ReleaseResult {
        let (result, write) = LockRules.release(state.rows[lease.lockID], lease: lease, at: now)
        if let write { state.rows[lease.lockID] = write }
        if let run, let record = state.run(token: lease.token) {
            state.update(RunLedgerRules.ended(record, with: run, release: result, at: now))
        }
        return result
    }

    public func runs(of job: String, limit: Int) -> [RunRecord] {
        state.withLock { Array(($0.runs[job] ?? []).suffix(max(0, limit)).reversed()) }
    }

    public func locks() -> [LockState] {
        let now = LockRules.onMicrosecondGrid(clock.now())
        let rows = state.withLock { Array($0.rows.values) }
        // Ordered by code point, as SQLite's and PostgreSQL's C collation order text.
        return rows
            .sorted { $0.lockID.unicodeScalars.lexicographicallyPrecedes($1.lockID.unicodeScalars) }
            .map { $0.state(at: now) }
    }

    /// Pauses `job`; see ``LockStore/pause(_:reason:by:)``.
    public func pause(_ job: String, reason: String?, by who: String) throws -> JobPause {
        let reason = try reason.map(PauseReason.validated)
        let pause = JobPause(job: job, reason: reason, pausedBy: who, pausedAt: LockRules.onMicrosecondGrid(clock.now()))
        state.withLock { $0.controls[job, default: ControlRules.Row()].pause = pause }
        return pause
    }

    /// Ends the pause of `job`; see ``LockStore/resume(_:)``.
    public func resume(_ job: String) -> JobPause? {
        state.withLock { state in
            defer { state.controls[job]?.pause = nil }
            return state.controls[job]?.pause
        }
    }

    /// Every paused job; see ``LockStore/pauses()``.
    public func pauses() -> [JobPause] {
        state.withLock { $0.controls.values.compactMap(\.pause) }.sorted { $0.job < $1.job }
    }

    /// Records a trigger request; see ``LockStore/requestTrigger(_:by:)``.
    public func requestTrigger(_ job: String, by who: String) -> TriggerRequest {
        let now = LockRules.onMicrosecondGrid(clock.now())
        return state.withLock { state in
            state.lastTrigger += 1
            let request = TriggerRequest(id: state.lastTrigger, job: job, requestedBy: who, requestedAt: now)
            state.triggers[request.id] = request
            return request
        }
    }

    /// Reads a trigger request; see ``LockStore/triggerRequest(_:)``.
    public func triggerRequest(_ id: Int64) -> TriggerRequest? {
        state.withLock { $0.triggers[id] }
    }

    /// Withdraws an unclaimed trigger request; see ``LockStore/withdrawTrigger(_:)``.
    public func withdrawTrigger(_ id: Int64) -> Bool {
        state.withLock { state in
            guard let request = state.triggers[id], request.claimedBy == nil else { return false }
            state.triggers[id] = nil
            return true
        }
    }

    /// The control poll; see ``LockStore/controls(for:seenBy:)``.
    public func controls(for jobs: [String], seenBy owner: String) -> ControlSnapshot {
        let wanted = Set(jobs)
        return state.withLock { state in
            var snapshot = ControlSnapshot()
            for (job, row) in state.controls where wanted.contains(job) {
                snapshot.pauses[job] = row.pause
            }
            for (id, request) in state.triggers where request.claimedBy == nil && wanted.contains(request.job) {
                if request.seenBy == nil { state.triggers[id]?.seenBy = owner }
                snapshot.triggers.append(state.triggers[id] ?? request)
            }
            snapshot.triggers.sort { $0.id < $1.id }
            return snapshot
        }
    }

    /// Removes the row of `lockID`, as an operator deleting it by hand would (django-db-mutex's
    /// way to clear a lock): lets the conformance suite test that on every store alike.
    @_spi(Testing)
    public func deleteRow(_ lockID: String) {
        _ = state.withLock { $0.rows.removeValue(forKey: lockID) }
    }

    public func forceRelease(_ lockID: String) throws -> Bool {
        try LockID.validate(lockID)
        let now = LockRules.onMicrosecondGrid(clock.now())
        return state.withLock { state in
            let (released, write) = LockRules.forceRelease(state.rows[lockID], at: now)
            if let write { state.rows[lockID] = write }
            return released
        }
    }
}
