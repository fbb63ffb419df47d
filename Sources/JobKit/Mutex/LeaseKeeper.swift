import Dispatch
import Logging
import Synchronization

/// Keeps a lease alive while its critical code runs: beats on the heartbeat interval, and
/// reports `lock.expired` the moment the TTL passes and `lock.lost` when a beat finds the
/// lease gone.
///
/// Its alarms are set on ``AlarmClock/leases``, one Dispatch timer for every keeper of the process:
/// a critical section that ends before its first beat is due arms, cancels and wakes nothing.
/// The next beat is set when one ends, so beats of one keeper never overlap; ``stop()`` waits
/// only when a beat is in flight, so no beat lands after the release and a short critical
/// section pays no thread hop.
final class LeaseKeeper: Sendable {
    private struct State {
        var stopped = false
        var expiredReported = false
        var loss: LeaseLoss?
        /// Set while a beat talks to the store; `stop()` waits for it to clear.
        var beating = false
        var beatFinished: DispatchSemaphore?
        /// The next beat's alarm and the expiry's, while set.
        var beatAlarm: AlarmClock.ID?
        var expiryAlarm: AlarmClock.ID?
    }

    let lease: Lease
    private let store: any LockStore
    private let policy: HeartbeatPolicy?
    private let logger: Logger
    private let whenExpired: @Sendable () -> Void
    private let whenLost: @Sendable (LeaseLoss) -> Void
    private let state = Mutex(State())

    init(
        lease: Lease, store: any LockStore, policy: HeartbeatPolicy?, logger: Logger,
        whenExpired: @escaping @Sendable () -> Void, whenLost: @escaping @Sendable (LeaseLoss) -> Void
    ) {
        self.lease = lease
        self.store = store
        self.policy = policy
        self.logger = logger
        self.whenExpired = whenExpired
        self.whenLost = whenLost
    }

    /// The alarms this keeper has set and not cancelled (the next beat, the expiry).
    var alarms: [AlarmClock.ID] { state.withLock { [$0.beatAlarm, $0.expiryAlarm].compactMap { $0 } } }

    /// How a beat found the lease gone, if one did.
    var loss: LeaseLoss? { state.withLock { $0.loss } }

    /// Sets the alarms. `ttl` is the lease's TTL as granted; the expiry alarm counts it from
    /// now, which is at most one round trip after the store's own acquisition time.
    func start(ttl: Duration?) {
        let now = AlarmClock.now()
        let beat = policy.map { setBeat(at: now + Self.nanoseconds($0.interval), policy: $0) }
        let expiry = ttl.map { ttl in
            AlarmClock.leases.set(at: now + Self.nanoseconds(ttl)) { [weak self] in self?.reportExpired() }
        }
        state.withLock { state in
            // A beat that already fired (an interval shorter than this call) set its successor.
            if state.beatAlarm == nil { state.beatAlarm = beat }
            state.expiryAlarm = expiry
        }
    }

    private func setBeat(at deadline: UInt64, policy: HeartbeatPolicy) -> AlarmClock.ID {
        AlarmClock.leases.set(at: deadline) { [weak self] in self?.beat(due: deadline, policy: policy) }
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.jobKitMicroseconds)) * 1000
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
            DispatchQueue.global().async {
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
        let alarms = state.withLock { state in
            defer { (state.beatAlarm, state.expiryAlarm) = (nil, nil) }
            return [state.beatAlarm, state.expiryAlarm].compactMap { $0 }
        }
        AlarmClock.leases.cancel(alarms)
    }

    /// One beat, due at `due`; sets the next one an interval after `due` when it ends, unless
    /// the keeper stopped or the lease was lost meanwhile.
    private func beat(due: UInt64, policy: HeartbeatPolicy) {
        let go = state.withLock { state -> Bool in
            guard !state.stopped, state.loss == nil else { return false }
            state.beating = true
            return true
        }
        guard go else { return }
        defer {
            let next = due + Self.nanoseconds(policy.interval)
            let waiter = state.withLock { state -> DispatchSemaphore? in
                state.beating = false
                if !state.stopped, state.loss == nil {
                    state.beatAlarm = setBeat(at: next, policy: policy)
                }
                defer { state.beatFinished = nil }
                return state.beatFinished
            }
            waiter?.signal()
        }
        let result: HeartbeatResult
        do {
            result = try store.heartbeat(lease, window: policy.window)
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

    private func reportExpired() {
        let first = state.withLock { state -> Bool in
            guard !state.stopped, !state.expiredReported else { return false }
            state.expiredReported = true
            return true
        }
        guard first else { return }
        var fields = fields()
        if let expiresAt = lease.expiresAt { fields[LogKeys.expiredAt] = .date(expiresAt) }
        logger.jobEvent(
            .lockExpired, level: .warning,
            "The TTL of lock \"\(lease.lockID)\" ran out while its holder is still running; another process may take it over.",
            fields
        )
        whenExpired()
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
