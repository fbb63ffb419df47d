import Dispatch
import Logging
import Synchronization

/// Keeps a lease alive while its critical code runs: beats on the heartbeat interval, and
/// reports `lock.expired` the moment the TTL passes and `lock.lost` when a beat finds the
/// lease gone.
///
/// Its timers run on one queue shared by every keeper (a source's handler never runs
/// concurrently with itself); ``stop()`` waits only when a beat is in flight, so no beat lands
/// after the release and a short critical section pays no thread hop.
final class LeaseKeeper: Sendable {
    private struct State {
        var stopped = false
        var expiredReported = false
        var loss: LeaseLoss?
        /// Set while a beat talks to the store; `stop()` waits for it to clear.
        var beating = false
        var beatFinished: DispatchSemaphore?
    }

    private static let timerQueue = DispatchQueue(label: "jobkit.lease-keeper", attributes: .concurrent)

    let lease: Lease
    private let store: any LockStore
    private let policy: HeartbeatPolicy?
    private let logger: Logger
    private let whenExpired: @Sendable () -> Void
    private let whenLost: @Sendable (LeaseLoss) -> Void
    /// Dispatch sources are thread-safe objects that Swift does not mark `Sendable`.
    private struct Timers: @unchecked Sendable { var all: [any DispatchSourceTimer] = [] }
    private let timers = Mutex(Timers())
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

    /// How a beat found the lease gone, if one did.
    var loss: LeaseLoss? { state.withLock { $0.loss } }

    /// Starts the timers. `ttl` is the lease's TTL as granted; the expiry timer counts it
    /// from now, which is at most one round trip after the store's own acquisition time.
    func start(ttl: Duration?) {
        var started: [any DispatchSourceTimer] = []
        if let policy {
            let beat = DispatchSource.makeTimerSource(queue: Self.timerQueue)
            let interval = DispatchTimeInterval.nanoseconds(Int(policy.interval.jobKitMicroseconds * 1000))
            beat.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(10))
            beat.setEventHandler { [weak self] in self?.beat(window: policy.window) }
            started.append(beat)
        }
        if let ttl {
            let expiry = DispatchSource.makeTimerSource(queue: Self.timerQueue)
            expiry.schedule(
                wallDeadline: .now() + .nanoseconds(Int(ttl.jobKitMicroseconds * 1000)),
                leeway: .milliseconds(1)
            )
            expiry.setEventHandler { [weak self] in self?.reportExpired() }
            started.append(expiry)
        }
        timers.withLock { $0.all = started }
        for timer in started { timer.resume() }
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
        let running = timers.withLock { timers in
            defer { timers.all = [] }
            return timers
        }
        for timer in running.all { timer.cancel() }
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
