import Foundation
import Logging

extension NonOverlappingJob {
    /// Runs the job once: takes its lock through `mutex`, runs ``runWorker(context:)`` in a
    /// child task while holding it, releases it, reports the events of the run through
    /// `mutex.logger`, and returns how it ended.
    ///
    /// Events (fields in the README's event reference and on ``JobEvent``):
    /// - `job.started` once the lock is held, then `job.succeeded`, `job.failed` or
    ///   `job.overran` when the worker is done;
    /// - `job.skipped` when the lock is held elsewhere or the tick already ran;
    /// - `job.failed` alone when the job cannot start (an invalid lock id or TTL);
    /// - `job.overran` instead of `job.succeeded` when the lease did not hold to the end (the
    ///   TTL ran out, or the lock was taken over or force-released: never `job.succeeded`);
    /// - `job.overran` *and* `job.failed` when the worker threw after the TTL ran out or the
    ///   lease was lost;
    /// - `lock.release_failed` (a warning) when the lock could not be released; a worker that
    ///   succeeded is still `job.succeeded`, and the lock frees when its heartbeat window passes;
    /// - nothing when the store cannot be reached (``JobOutcome/storeUnavailable(_:)``: the
    ///   caller reports `store.unavailable`).
    ///
    /// The mutex's own events (`lock.recovered`, `lock.expired`, `lock.lost`) carry `job` and
    /// `job_type` too: the run uses a copy of `mutex` whose logger has them attached. It does
    /// not report `lock.overran`; `job.overran` takes its place.
    ///
    /// When a heartbeat finds the lock gone and the job opted into
    /// ``cancelsOnLeaseLoss``, the worker's task is cancelled; if the worker then throws
    /// `CancellationError`, the outcome is ``JobOutcome/failed(_:)`` with a ``JobRunError``.
    /// Cancelling the task that calls `run` cancels the worker too; if the worker then throws
    /// `CancellationError`, the outcome is ``JobOutcome/failed(_:)`` with a ``JobRunError``
    /// whose ``JobRunError/isCancelled`` is set.
    ///
    /// - Parameters:
    ///   - mutex: the mutex (store, owner, default TTL, heartbeat policy, logger) to run under.
    ///   - tick: the scheduled time this run is for, if any: a tick not newer than the last one
    ///     claimed for the lock is skipped as already ran.
    ///   - ttl: this run's TTL; by default the mutex's.
    ///   - lockID: the lock to take; by default ``instanceJobTypeName`` (the job type name of
    ///     the instance's dynamic type, so each subclass of a job class takes its own lock). A
    ///     scheduler running several jobs of one type passes each job's own id.
    ///   - jobName: the job's name in events and in ``JobContext/jobName``; by default
    ///     ``instanceJobTypeName``.
    ///   - jobType: the `job_type` of its events; by default ``instanceJobTypeName``. A
    ///     scheduler passes the type name the jobs file uses (`shell`, `report`), and the
    ///     events then carry the Swift type too, as `swift_type`.
    ///   - wait: how long to wait for a busy lock before skipping, retrying with jittered
    ///     exponential backoff judged on the store's clock; `nil` (the default) skips at once.
    ///     Cancelling the task during the wait ends it as skipped, `stopping`.
    /// - Returns: how the run ended; it has been reported already, except
    ///   ``JobOutcome/storeUnavailable(_:)``.
    ///
    /// The run leaves a row in the store's run ledger (``LockStore/runs(of:limit:)``), opened
    /// in the acquire's round trip and ended in the release's.
    public func run(
        using mutex: DBMutex, tick: Date? = nil, ttl: LockTTL? = nil, lockID: String? = nil, jobName: String? = nil,
        jobType: String? = nil, wait: Duration? = nil
    ) async -> JobOutcome {
        await run(
            using: mutex, tick: tick, ttl: ttl, lockID: lockID, jobName: jobName, jobType: jobType, wait: wait,
            run: nil, whenAcquired: { _ in }
        )
    }

    /// ``run(using:tick:ttl:lockID:jobName:jobType:wait:)``, calling `whenAcquired` with the
    /// lease once the lock is held (before `job.started`): the scheduler reads the ticks nobody
    /// ran from it. `run` carries the kind of a manual run and the trigger request it answers.
    ///
    /// `whenHeld` is asked when the lock is held elsewhere: an outcome it returns (a queued run,
    /// ``OverlapPolicy/queueOne``, already reported and counted) replaces the `lock_held` skip;
    /// nil leaves the skip.
    func run(
        using mutex: DBMutex, tick: Date?, ttl: LockTTL?, lockID: String?, jobName: String?, jobType: String?,
        wait: Duration?, run: RunStart?, whenAcquired: @escaping @Sendable (Lease) -> Void,
        whenHeld: (@Sendable (LockHolder) async -> JobOutcome?)? = nil
    ) async -> JobOutcome {
        let jobName = jobName ?? instanceJobTypeName
        var queued = false
        let outcome = await reportedRun(
            using: mutex, tick: tick, ttl: ttl, lockID: lockID, jobName: jobName, jobType: jobType, wait: wait,
            start: run, whenAcquired: whenAcquired, whenHeld: whenHeld, queued: &queued
        )
        if !queued { mutex.metrics.ended(outcome, job: jobName) }
        return outcome
    }

    /// The run, with its events (and the metrics that have no outcome yet: running workers,
    /// lateness, duration, overlaps).
    private func reportedRun(
        using mutex: DBMutex, tick: Date?, ttl: LockTTL?, lockID: String?, jobName: String, jobType: String?,
        wait: Duration?, start: RunStart?, whenAcquired: @escaping @Sendable (Lease) -> Void,
        whenHeld: (@Sendable (LockHolder) async -> JobOutcome?)?, queued: inout Bool
    ) async -> JobOutcome {
        let typeName = instanceJobTypeName
        let lockID = lockID ?? typeName
        let metrics = mutex.metrics
        var logger = mutex.logger
        if let kind = start?.kind { logger[metadataKey: LogKeys.kind] = .string(kind.name) }
        if let trigger = start?.trigger { logger[metadataKey: LogKeys.trigger] = .number(trigger) }
        let reporter = JobReporter(
            logger: logger, jobName: jobName, jobTypeName: jobType ?? typeName,
            swiftTypeName: jobType.map { _ in typeName }, lockID: lockID, tick: tick
        )
        var runStart = RunStart(job: jobName, jobType: jobType ?? typeName)
        runStart.kind = start?.kind
        runStart.trigger = start?.trigger
        var jobMutex = mutex
        jobMutex.logger = reporter.logger
        let signals = JobSignals()
        let cancels = cancelsOnLeaseLoss
        let tracker = RunTracker.current

        let run: DBMutex.Run<Void>
        var duration = Duration.zero
        do {
            run = try await jobMutex.run(
                lockID, ttl: ttl, tick: tick, wait: wait,
                job: runStart,
                ending: { result, lost in Self.runEnd(result, lost: lost, cancels: cancels, signals: signals) },
                whenAcquired: { lease in
                    tracker?.markLocked()
                    whenAcquired(lease)
                    reporter.started(lease)
                },
                whenExpired: {},
                whenLost: { loss in
                    metrics.overlapped(job: jobName)   // lock.lost: counted once, here
                    signals.leaseLost(loss, cancel: cancels)
                }
            ) { lease in
                let context = JobContext(
                    jobName: jobName, lease: lease, tick: tick, logger: reporter.workerLogger(for: lease), signals: signals
                )
                let clock = ContinuousClock()
                let start = clock.now
                metrics.workerStarted(job: jobName, lateness: tick.map { Duration.seconds(Date().timeIntervalSince($0)) })
                let result = await runWorkerInChildTask(context: context, signals: signals)
                duration = clock.now - start
                metrics.workerEnded(job: jobName, after: duration)
                try result.get()
            }
        } catch let refusal as DBMutexError {
            let reason: JobOutcome.SkipReason
            if let id = refusal.reason.claimedTrigger {
                return .skipped(.triggerClaimed(id))   // another scheduler runs it: nothing to report
            } else if let pause = refusal.reason.pause {
                reason = .paused(pause, tick: tick)
            } else if let (tick, lastTick) = refusal.reason.alreadyRan {
                reason = .alreadyRan(tick: tick, lastTick: lastTick)
            } else if let holder = refusal.holder {
                // A trigger request that finds the lock held stays pending for the next poll:
                // not a skip to report at every poll while the job runs elsewhere.
                if start?.trigger != nil { return .skipped(.triggerClaimed(start?.trigger ?? 0)) }
                if let whenHeld, let outcome = await whenHeld(holder) {
                    queued = true
                    return outcome
                }
                reason = .lockHeld(holder)
            } else {
                reporter.failed(refusal, lease: nil, after: nil)
                return .failed(refusal)
            }
            reporter.skipped(reason)
            return .skipped(reason)
        } catch is CancellationError where wait != nil {
            // Cancelled while it waited for the lock (a scheduler stopping during a queue_one
            // wait): the job never started, so nothing failed.
            reporter.skipped(.stopping)
            return .skipped(.stopping)
        } catch let error where error is InvalidLockIDError || error is LockTTLError || error is CancellationError {
            // CancellationError: the caller's task was cancelled before the job had its lock.
            reporter.failed(error, lease: nil, after: nil)
            return .failed(error)
        } catch {
            return .storeUnavailable(error)
        }

        // A lost lease or a TTL that ran out is an overrun, never a success; a release that
        // failed after the work succeeded is a success plus `lock.release_failed` (reported by
        // `settle`): the lock frees when its heartbeat window passes.
        let timeout = jobMutex.settle(run)
        switch run.body {
        case .success:
            if let timeout {
                if timeout.overlapped, signals.loss == nil { metrics.overlapped(job: jobName) }
                reporter.overran(timeout, lease: run.lease, after: duration)
                return .overran(timeout)
            }
            reporter.succeeded(run.lease, after: duration)
            return .succeeded
        case .failure(let workerError):
            var error = workerError
            if cancels, workerError is CancellationError, let loss = signals.loss {
                error = JobRunError.leaseLost(jobName: jobName, lease: run.lease, loss: loss)
            } else if workerError is CancellationError, signals.isCancelled {
                error = JobRunError.cancelled(jobName: jobName, lease: run.lease)
            }
            if let timeout {
                if timeout.overlapped, signals.loss == nil { metrics.overlapped(job: jobName) }
                reporter.overran(timeout, lease: run.lease, after: duration)
            }
            reporter.failed(error, lease: run.lease, after: duration)
            return .failed(error)
        }
    }

    /// What the ledger records when the worker is done, before the release answers (which may
    /// turn a success into `overran`).
    private static func runEnd(_ result: Result<Void, any Error>, lost: Bool, cancels: Bool, signals: JobSignals) -> RunEnd {
        switch result {
        case .success:
            return RunEnd(outcome: .succeeded)
        case .failure(let error):
            if error is CancellationError, lost || signals.isLeaseLost {
                return RunEnd(outcome: .lost, error: "The lease was lost while the job ran, and the job was cancelled.")
            }
            if error is CancellationError, signals.isCancelled {
                return RunEnd(outcome: .cancelled, error: "The run was cancelled.")
            }
            return RunEnd(outcome: .failed, error: "\(error)")
        }
    }

    /// Runs the job once under the process-wide mutex, ``DBMutex/shared()`` (the one
    /// `withDBMutex` uses): like ``run(using:tick:ttl:lockID:jobName:jobType:wait:)``.
    ///
    /// ```swift
    /// let outcome = await ReportJob(recipients: ["ops@example.com"]).run()
    /// ```
    ///
    /// - Returns: how the run ended; ``JobOutcome/storeUnavailable(_:)`` (not reported) when
    ///   the shared mutex's store cannot be opened.
    public func run(
        tick: Date? = nil, ttl: LockTTL? = nil, lockID: String? = nil, jobName: String? = nil, wait: Duration? = nil
    ) async -> JobOutcome {
        let mutex: DBMutex
        do {
            mutex = try await DBMutex.sharedOffPool()
        } catch {
            return .storeUnavailable(error)
        }
        return await run(using: mutex, tick: tick, ttl: ttl, lockID: lockID, jobName: jobName, wait: wait)
    }

    /// Runs the worker in a child task, cancelled when `signals` asks (the lease was lost and
    /// the job opted in) or when the calling task is cancelled.
    private func runWorkerInChildTask(context: JobContext, signals: JobSignals) async -> Result<Void, any Error> {
        // Each child reports a worker result, or nil for "cancel the worker now".
        await withTaskCancellationHandler {
            await withTaskGroup(of: Result<Void, any Error>?.self) { group in
                group.addTask {
                    do {
                        try await self.runWorker(context: context)
                        return .success(())
                    } catch {
                        return .failure(error)
                    }
                }
                group.addTask {
                    await signals.cancellationRequested()
                    return nil
                }
                while let finished = await group.next() {
                    group.cancelAll()
                    if let result = finished { return result }
                }
                preconditionFailure("the worker's child task always reports")
            }
        } onCancel: {
            signals.markCancelled()
        }
    }
}
