import Dispatch
import Foundation
import Logging
import Synchronization

/// Keeps a lease alive while its critical code runs: beats on the heartbeat interval, and
/// reports `lock.expired` the moment the TTL passes and `lock.lost` when a beat finds the
/// lease gone.
///
/// Its timers run on a ``LeaseClock`` (wall time, so a VM pause makes beats due rather than
/// postponing them), each beat on an absolute deadline one interval after the last one's;
/// ``stop()`` waits only when a beat is in flight, so no beat lands after the release and a
/// short critical section pays no thread hop.
final class LeaseKeeper: Sendable {
    private struct State {
        var stopped = false
        var expiredReported = false
        var loss: LeaseLoss?
        /// Set while a beat talks to the store; `stop()` waits for it to clear.
        var beating = false
        var beatFinished: DispatchSemaphore?
    }

    let lease: Lease
    private let store: any LockStore
    private let policy: HeartbeatPolicy?
    private let clock: any LeaseClock
    private let logger: Logger
    private let whenExpired: @Sendable () -> Void
    private let whenLost: @Sendable (LeaseLoss) -> Void
    /// The pending timers: the next beat and the TTL's expiry; nil once cancelled.
    private struct Timers {
        var beat: LeaseTimer?
        var expiry: LeaseTimer?
        var cancelled = false
    }
    private let timers = Mutex(Timers())
    private let state = Mutex(State())

    init(
        lease: Lease, store: any LockStore, policy: HeartbeatPolicy?, clock: any LeaseClock, logger: Logger,
        whenExpired: @escaping @Sendable () -> Void, whenLost: @escaping @Sendable (LeaseLoss) -> Void
    ) {
        self.lease = lease
        self.store = store
        self.policy = policy
        self.clock = clock
        self.logger = logger
        self.whenExpired = whenExpired
        self.whenLost = whenLost
    }

    /// How a beat found the lease gone, if one did.
    var loss: LeaseLoss? { state.withLock { $0.loss } }

    /// Starts the timers. `ttl` is the lease's TTL as granted; the expiry timer counts it
    /// from now, which is at most one round trip after the store's own acquisition time.
    func start(ttl: Duration?) {
        let now = clock.now()
        if let policy {
            scheduleBeat(at: LockRules.adding(policy.interval, to: now), policy: policy)
        }
        if let ttl {
            let expiry = clock.schedule(at: LockRules.adding(ttl, to: now)) { [weak self] in self?.reportExpired() }
            let keep = timers.withLock { timers -> Bool in
                guard !timers.cancelled else { return false }
                timers.expiry = expiry
                return true
            }
            if !keep { expiry.cancel() }
        }
    }

    /// Sets the next beat for `deadline`, unless the keeper has stopped meanwhile.
    private func scheduleBeat(at deadline: Date, policy: HeartbeatPolicy) {
        let timer = clock.schedule(at: deadline) { [weak self] in
            self?.beat(window: policy.window)
            self?.scheduleNextBeat(after: deadline, policy: policy)
        }
        let keep = timers.withLock { timers -> Bool in
            guard !timers.cancelled else { return false }
            timers.beat = timer
            return true
        }
        if !keep { timer.cancel() }
    }

    /// The beat after the one due at `deadline`: one interval later, or, when that has passed
    /// too (the process was paused for longer), the first interval boundary still ahead, so a
    /// long pause costs one beat on waking, not a burst.
    private func scheduleNextBeat(after deadline: Date, policy: HeartbeatPolicy) {
        guard state.withLock({ !$0.stopped && $0.loss == nil }) else { return }
        let now = clock.now()
        var next = LockRules.adding(policy.interval, to: deadline)
        if next <= now {
            let interval = policy.interval.jobKitTimeInterval
            let behind = now.timeIntervalSince(next)
            next = next.addingTimeInterval((behind / interval).rounded(.down) * interval + interval)
        }
        scheduleBeat(at: next, policy: policy)
    }

    /// Stops the timers and waits for a beat in flight. Blocks; call off the cooperative pool.
    func stop() {
        cancelTimers()
        markStopped()?.wait()
    }

    /// Stops the timers and waits for a beat in flight, without blocking a thread of the
    /// cooperative pool.
    func stop() async {
        cancelTimers()
        guard let beatFinished = markStopped() else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            BlockingQueue.detach {
                beatFinished.wait()
                continuation.resume()
            }
        }
    }

    /// Marks the keeper stopped; returns a semaphore to wait on when a beat is in flight.
    private func markStopped() -> DispatchSemaphore? {
        state.withLock { state in
            state.stopped = true
            guard state.beating else { return nil }
            let semaphore = DispatchSemaphore(value: 0)
            state.beatFinished = semaphore
            return semaphore
        }
    }

    private func cancelTimers() {
        let pending = timers.withLock { timers -> [LeaseTimer] in
            defer { timers = Timers(cancelled: true) }
            return [timers.beat, timers.expiry].compactMap { $0 }
        }
        for timer in pending { timer.cancel() }
    }

    private func beat(window: Duration) {
        let go = state.withLock { state -> Bool in
            guard !state.stopped, state.loss == nil else { return false }
            state.beating = true
            return true
        }
        guard go else { return }
        defer {
            let waiter = state.withLock { state -> DispatchSemaphore? in
                state.beating = false
                defer { state.beatFinished = nil }
                return state.beatFinished
            }
            waiter?.signal()
        }
        let result: HeartbeatResult
        do {
            result = try store.heartbeat(lease, window: window)
        } catch {
            logger.warning(
                "Heartbeat for lock \"\(lease.lockID)\" failed; retrying on the next beat.",
                metadata: [LogKeys.lockID: .string(lease.lockID), LogKeys.error: .string("\(error)")]
            )
            return
        }
        switch result {
        case .alive(let expired):
            if expired { reportExpired() }
        case .lost(let loss):
            state.withLock { $0.loss = loss }
            cancelTimers()
            let fields = fields().merging(.lossFields(loss)) { _, new in new }
            logger.jobEvent(.lockLost, level: .error, "Lock \"\(lease.lockID)\" (token \(lease.token)) was lost: \(loss).", fields)
            whenLost(loss)
        }
    }

    /// Reports `lock.expired` after the fact when the release found the TTL run out before
    /// the keeper's own alarm did (a loaded machine may run that alarm late): every run whose
    /// TTL ran out says so with `lock.expired` before its `job.overran`.
    ///
    /// Not after a `lock.lost`: a beat that found the lease gone has said what happened.
    func releaseAnswered(_ release: Result<ReleaseResult, any Error>) {
        guard case .success(let outcome) = release, loss == nil else { return }
        switch outcome {
        case .expired:
            reportExpired(afterStop: true)
        case .lost(let loss):
            let lostAt = loss.newHolder?.since ?? loss.forceReleasedAt
            if let lostAt, let expiresAt = lease.expiresAt, lostAt >= expiresAt { reportExpired(afterStop: true) }
        case .released:
            break
        }
    }

    private func reportExpired(afterStop: Bool = false) {
        let first = state.withLock { state -> Bool in
            guard afterStop || !state.stopped, !state.expiredReported else { return false }
            state.expiredReported = true
            return true
        }
        guard first else { return }
        var fields = fields()
        if let expiresAt = lease.expiresAt { fields[LogKeys.expiredAt] = .date(expiresAt) }
        logger.jobEvent(
            .lockExpired, level: .warning,
            afterStop
                ? "The TTL of lock \"\(lease.lockID)\" ran out before its holder released it."
                : "The TTL of lock \"\(lease.lockID)\" ran out while its holder is still running; another process may take it over.",
            fields
        )
        // After the body ended there is nothing left to warn: the caller's callback is for
        // a body still running.
        if !afterStop { whenExpired() }
    }

    private func fields() -> Logger.Metadata {
        var fields: Logger.Metadata = [
            LogKeys.lockID: .string(lease.lockID),
            LogKeys.token: .number(lease.token),
            LogKeys.owner: .string(lease.owner),
        ]
        if let ttl = lease.ttl { fields[LogKeys.ttlSeconds] = .seconds(ttl) }
        return fields
    }
}
