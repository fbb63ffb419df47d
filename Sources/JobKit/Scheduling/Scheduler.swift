import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Fires jobs on their schedules and runs each under its lock: the heart of `jobkit run`.
///
/// It is a swift-service-lifecycle `Service`: run it in a `ServiceGroup`, which turns SIGTERM
/// and SIGINT into a graceful shutdown. Then no new fires happen (`scheduler.stopping`), a
/// running job gets ``Configuration/shutdownGrace`` to finish and is cancelled after it,
/// every lock is released, and ``run()`` returns after `scheduler.stopped`.
///
/// Each job's ticks sit on an absolute grid (see ``Schedule``), so every machine of a fleet
/// targets the same instants; each fire passes its tick to the lock, so one machine runs it.
/// A job still running here when its next tick comes is skipped without asking the store
/// (`job.skipped`, `reason` `still_running`), unless the job's ``ScheduledJob/overlap`` is
/// ``OverlapPolicy/queueOne``: then one tick across the fleet waits for the running one and
/// runs next (see the queue lock, ``ScheduledJob/queueLockID``). A tick missed by more than the job's grace
/// (the process was paused, the machine slept) is reported as `job.misfired`; missed ticks
/// within the grace are coalesced into one run. Ticks that no machine ran are reported once
/// for the fleet as `job.missed`, by the run that claims the next tick; at start, the most
/// recent tick within grace runs (``CatchUp/latest``) unless the job says ``CatchUp/none``.
/// When the store cannot be reached, jobs do not
/// run (fail closed): `store.unavailable` is reported once per outage, `store.recovered` when
/// it returns.
public final class Scheduler: Service {
    /// Settings of the scheduler itself.
    public struct Configuration: Sendable {
        /// How long a running job may take to finish after a shutdown request before it is cancelled.
        public var shutdownGrace: Duration = .seconds(30)
        /// The first wait before retrying an unreachable store at start; it doubles up to ``maximumRetryDelay``.
        public var initialRetryDelay: Duration = .milliseconds(500)
        /// The longest wait between retries of an unreachable store at start. The scheduler
        /// waits no longer than its most frequent job's interval either, so a scheduler started
        /// during an outage retries at least as often as its jobs would fire, and resumes about
        /// when running ones do.
        public var maximumRetryDelay: Duration = .seconds(30)
        /// The quiet gap that ends a gathering of the lock claims its jobs make for one instant:
        /// the scheduler sends what it gathered to the store as one batch (one statement and one
        /// commit on PostgreSQL) once this long passes with no new claim, or 20 windows after the
        /// gathering's first claim, and likewise their releases; `nil` sends each claim and
        /// release alone. Each job still gets its own lease, token, refusal, ledger row and events.
        public var claimWindow: Duration? = .milliseconds(5)
        /// How often the scheduler reads the fleet controls (pauses, trigger requests): one
        /// statement per poll, whatever the number of jobs. A pause does not wait for it (the
        /// store refuses a paused tick at acquire time); a trigger runs at the first poll that
        /// finds the job's lock free.
        public var controlInterval: Duration = .seconds(2)

        /// The defaults.
        public init() {}
    }

    let jobs: [ScheduledJob]
    let mutex: DBMutex
    let clock: any SchedulerClock
    let configuration: Configuration
    /// One per job, in the order of ``jobs``: whether that job runs in this process now.
    let trackers: [RunTracker]
    /// Where each job name is in ``jobs``.
    let jobIndex: [String: Int]
    /// What the latest control poll read: the paused jobs among this scheduler's.
    let polledPauses = Mutex<[String: JobPause]>([:])
    private let storeHealth: StoreHealth
    private let phase = Mutex(SchedulerHealth.Phase.notStarted)
    private let checking = Mutex(false)

    /// Creates a scheduler.
    ///
    /// - Parameters:
    ///   - jobs: what to run; names must be unique.
    ///   - mutex: the store, owner, heartbeat policy and logger every run uses. Events go to its logger.
    ///   - clock: the time source; by default wall-clock time with Dispatch timers.
    ///   - configuration: shutdown and retry settings.
    /// - Throws: ``SchedulerError`` when two jobs share a name.
    public init(
        jobs: [ScheduledJob], mutex: DBMutex, clock: any SchedulerClock = DispatchWallClock(),
        configuration: Configuration = Configuration()
    ) throws(SchedulerError) {
        var jobIndex = [String: Int](minimumCapacity: jobs.count)
        for (index, job) in jobs.enumerated() where jobIndex.updateValue(index, forKey: job.name) != nil {
            throw SchedulerError(message: "Two jobs are named \"\(job.name)\"; job names must be unique.")
        }
        self.jobs = jobs
        var mutex = mutex
        if let window = configuration.claimWindow {
            mutex.claims = ClaimBatcher(store: mutex.store, window: window)
        }
        self.mutex = mutex
        self.clock = clock
        self.configuration = configuration
        self.trackers = jobs.map { _ in RunTracker() }
        self.jobIndex = jobIndex
        self.storeHealth = StoreHealth(logger: mutex.logger, metrics: mutex.metrics, store: mutex.store.description)
    }

    /// How many jobs are running in this process now.
    var activeRuns: Int { trackers.filter(\.isRunning).count }

    var logger: Logger { mutex.logger }

    /// Runs until a graceful shutdown (or cancellation), then returns once every job has stopped.
    ///
    /// - Throws: the store's error when its URL can never work (after `config.invalid`).
    public func run() async throws {
        let health = storeHealth
        phase.withLock { $0 = .starting }
        defer { phase.withLock { $0 = .stopped } }
        mutex.metrics.prepare(jobs: jobs.map(\.name))
        logger.jobEvent(
            .schedulerStarted, level: .info, "The scheduler started with \(counted(jobs.count, "job")).",
            [
                LogKeys.jobs: .number(Int64(jobs.count)), LogKeys.owner: .string(mutex.owner),
                LogKeys.store: .string(mutex.store.description),
            ]
        )
        // One shutdown handler for every job: it raises `stopping`, which ends the jobs' sleeps.
        let stopping = WakeSignal()
        try await withGracefulShutdownHandler {
            if try await prepareStore(health) {
                phase.withLock { if $0 == .starting { $0 = .running } }
                await withDiscardingTaskGroup { group in
                    // Each job's task captures its index, not its job: a sleeping job's task stays small.
                    for index in jobs.indices {
                        group.addTask { await self.drive(index, health: health, stopping: stopping) }
                    }
                    group.addTask { await self.pollControls(health: health, stopping: stopping) }
                }
            }
        } onGracefulShutdown: {
            self.phase.withLock { $0 = .stopping }
            stopping.raise()
            self.logger.jobEvent(
                .schedulerStopping, level: .info,
                "The scheduler is stopping: no new fires; running jobs get \(self.configuration.shutdownGrace.jobKitSeconds) s to finish.",
                [LogKeys.running: .number(Int64(self.activeRuns))]
            )
        }
        logger.jobEvent(.schedulerStopped, level: .info, "The scheduler stopped; its locks are released.")
    }

    /// Where the scheduler is in its life, and how its store answered lately: what health
    /// and readiness probes report. Cheap: reads memory only.
    public var health: SchedulerHealth {
        let store = storeHealth.snapshot
        return SchedulerHealth(
            phase: phase.withLock { $0 }, storeAnswerAge: store.answerAge, storeError: store.outage
        )
    }

    /// Asks the store whether it answers (one read of its lock rows), on a Dispatch thread,
    /// and records the answer like a run's (an outage found here reports `store.unavailable`
    /// and sets `jobkit_store_up` to 0). For readiness probes when no job has touched the
    /// store lately. While a check is already in progress, returns without another.
    ///
    /// - Returns: ``health`` after the check.
    @discardableResult
    public func checkStore() async -> SchedulerHealth {
        guard checking.withLock({ checking in
            defer { checking = true }
            return !checking
        }) else { return health }
        defer { checking.withLock { $0 = false } }
        let store = mutex.store
        do {
            _ = try await BlockingQueue.run { try store.locks() }
            storeHealth.succeeded()
        } catch {
            storeHealth.failed(error, job: nil)
        }
        return health
    }

    /// Creates the schema, retrying with backoff while the store is unreachable. Returns
    /// `false` when a shutdown came first; throws when the store can never work (a
    /// ``LockStoreError`` that ``LockStoreError/isPermanent``, such as a store that cannot back
    /// scheduled jobs at all), after reporting `config.invalid`.
    private func prepareStore(_ health: StoreHealth) async throws -> Bool {
        var delay = configuration.initialRetryDelay
        let longest = min(configuration.maximumRetryDelay, shortestJobInterval() ?? configuration.maximumRetryDelay)
        let store = mutex.store
        while true {
            do {
                try store.validateForScheduling()
                try await BlockingQueue.run { try store.migrate() }
                health.succeeded()
                return true
            } catch let error as any LockStoreError where error.isPermanent {
                // Retrying cannot fix it: stop, so a service manager shows the failure, instead
                // of reporting an endless outage.
                let cause = error.permanentCause ?? "the store's configuration is unusable"
                logger.jobEvent(
                    .configInvalid, level: .error, "The lock store cannot be used (\(cause)): \(error)",
                    [
                        LogKeys.error: .string("\(error)"), LogKeys.cause: .string(cause),
                        LogKeys.store: .string(store.description),
                    ]
                )
                throw error
            } catch {
                health.failed(error, job: nil)
            }
            do {
                let deadline = clock.now().addingTimeInterval(delay.jobKitTimeInterval)
                try await cancelWhenGracefulShutdown { try await self.clock.sleep(until: deadline) }
            } catch {
                return false
            }
            delay = max(configuration.initialRetryDelay, min(delay * 2, longest))
        }
    }

    /// The shortest time between two ticks of any job, judged from the next two ticks of each.
    private func shortestJobInterval() -> Duration? {
        let now = clock.now()
        var shortest: TimeInterval?
        for job in jobs {
            let ticks = job.ticks
            guard let first = ticks.nextTick(after: now), let second = ticks.nextTick(after: first) else {
                continue
            }
            let gap = second.timeIntervalSince(first)
            shortest = min(shortest ?? gap, gap)
        }
        return shortest.map { .milliseconds(Int64(($0 * 1000).rounded())) }
    }

    func fire(_ job: ScheduledJob, tracker: RunTracker, tick: Date, health: StoreHealth, stopping: WakeSignal) async {
        let started = ContinuousClock.now
        var whenHeld: (@Sendable (LockHolder) async -> JobOutcome?)?
        if job.overlap == .queueOne {
            whenHeld = { @Sendable (_: LockHolder) async -> JobOutcome? in
                // Held on another machine: this fire may become the fleet's one waiter.
                guard tracker.markQueued() else { return nil }
                return await self.queue(job, tick: tick, stopping: stopping)
            }
        }
        let outcome = await job.job.run(
            using: mutex, tick: tick, ttl: job.ttl, lockID: job.lockID, jobName: job.name, jobType: job.jobType,
            wait: nil, run: nil, whenAcquired: { lease in self.reportMissed(job, lease) }, whenHeld: whenHeld
        )
        record(outcome, health: health, job: job, attemptStarted: started)
    }

    /// Records whether the store answered a fire.
    func record(_ outcome: JobOutcome?, health: StoreHealth, job: ScheduledJob, attemptStarted started: ContinuousClock.Instant) {
        if case .storeUnavailable(let error) = outcome {
            health.failed(error, job: job.name, attemptStarted: started)
        } else if outcome != nil {
            health.succeeded()
        }
    }

    /// Waits for the running fire to end, at most `grace`; returns whether it ended.
    func finishes(_ tracker: RunTracker, within grace: Duration) async -> Bool {
        let deadline = clock.now().addingTimeInterval(grace.jobKitTimeInterval)
        let clock = self.clock
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await tracker.idle()
                return true
            }
            group.addTask {
                try? await clock.sleep(until: deadline)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    func reportStillRunning(_ job: ScheduledJob, tick: Date) {
        mutex.metrics.skipped(job: job.name, reason: "still_running")
        let swiftType = job.job.instanceJobTypeName
        JobReporter(
            logger: logger, jobName: job.name, jobTypeName: job.jobType ?? swiftType,
            swiftTypeName: job.jobType.map { _ in swiftType }, lockID: job.lockID, tick: tick
        ).skipped(.stillRunning(tick: tick))
    }

    /// The previous fire has not got its lock yet (the store is slow or unreachable, as in a
    /// connect timeout): nothing runs, so this is not `still_running`. The outage itself is
    /// reported as `store.unavailable` when that fire gives up.
    func reportStillWaitingForStore(_ job: ScheduledJob, tick: Date) {
        logger.warning(
            "Job \"\(job.name)\" skipped this tick: its previous fire is still waiting for the lock store.",
            metadata: [LogKeys.job: .string(job.name), LogKeys.lockID: .string(job.lockID), LogKeys.tick: .date(tick)]
        )
    }

    func reportMisfire(_ job: ScheduledJob, _ missed: MissedTicks) {
        mutex.metrics.misfired(job: job.name, count: missed.count)
        logger.jobEvent(
            .jobMisfired, level: .warning,
            "Job \"\(job.name)\" missed \(counted(missed.count, "tick")) by more than its grace of \(job.grace.jobKitSeconds) s; \(missed.count == 1 ? "it was" : "they were") not run.",
            [
                LogKeys.job: .string(job.name), LogKeys.lockID: .string(job.lockID),
                LogKeys.tick: .date(missed.last), LogKeys.firstTick: .date(missed.first),
                LogKeys.missed: .number(Int64(missed.count)),
            ]
        )
    }

    /// Reports the ticks between the tick this run claimed and the one claimed before it: no
    /// machine ran them. Only the acquisition that claims a tick learns the previous one, so
    /// each gap is reported once across the fleet.
    func reportMissed(_ job: ScheduledJob, _ lease: Lease) {
        guard let tick = lease.tick, let previous = lease.previousTick,
              let missed = job.ticks.ticks(between: previous, and: tick)
        else { return }
        mutex.metrics.missed(job: job.name, count: missed.count)
        logger.jobEvent(
            .jobMissed, level: .warning,
            "Job \"\(job.name)\": \(missed.count) tick(s) before \(tick.jobKitTimestamp) were run by no machine.",
            [
                LogKeys.job: .string(job.name), LogKeys.lockID: .string(job.lockID),
                LogKeys.tick: .date(missed.last), LogKeys.firstTick: .date(missed.first),
                LogKeys.missed: .number(Int64(missed.count)), LogKeys.token: .number(lease.token),
                LogKeys.owner: .string(lease.owner),
            ]
        )
    }

    static func randomJitter(_ jitter: Duration) -> TimeInterval {
        let limit = jitter.jobKitTimeInterval
        return limit > 0 ? Double.random(in: 0..<limit) : 0
    }
}

/// A scheduler that cannot be built as asked.
public struct SchedulerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    public var description: String { message }
}
