import Foundation

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
    /// - `job.overran` *and* `job.failed` when the worker threw after the TTL ran out;
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
    ///   - lockID: the lock to take; by default ``jobTypeName``. A scheduler running several
    ///     jobs of one type passes each job's own id.
    ///   - jobName: the job's name in events and in ``JobContext/jobName``; by default
    ///     ``jobTypeName``.
    /// - Returns: how the run ended; it has been reported already, except
    ///   ``JobOutcome/storeUnavailable(_:)``.
    public func run(
        using mutex: DBMutex, tick: Date? = nil, ttl: LockTTL? = nil, lockID: String? = nil, jobName: String? = nil
    ) async -> JobOutcome {
        let typeName = Self.jobTypeName
        let lockID = lockID ?? typeName
        let jobName = jobName ?? typeName
        let reporter = JobReporter(logger: mutex.logger, jobName: jobName, jobTypeName: typeName, lockID: lockID, tick: tick)
        var jobMutex = mutex
        jobMutex.logger = reporter.logger
        let signals = JobSignals()
        let cancels = cancelsOnLeaseLoss
        let tracker = RunTracker.current

        let run: DBMutex.Run<Void>
        var duration = Duration.zero
        do {
            run = try await jobMutex.run(
                lockID, ttl: ttl, tick: tick,
                whenAcquired: { lease in
                    tracker?.markLocked()
                    reporter.started(lease)
                },
                whenExpired: {},
                whenLost: { holder in signals.leaseLost(to: holder, cancel: cancels) }
            ) { lease in
                let context = JobContext(
                    jobName: jobName, lease: lease, tick: tick, logger: reporter.workerLogger(for: lease), signals: signals
                )
                let clock = ContinuousClock()
                let start = clock.now
                let result = await runWorkerInChildTask(context: context, signals: signals)
                duration = clock.now - start
                try result.get()
            }
        } catch let refusal as DBMutexError {
            let reason: JobOutcome.SkipReason = switch refusal.reason {
            case .held(let holder): .lockHeld(holder)
            case .alreadyRan(let tick, let lastTick): .alreadyRan(tick: tick, lastTick: lastTick)
            }
            reporter.skipped(reason)
            return .skipped(reason)
        } catch let error where error is InvalidLockIDError || error is LockTTLError {
            reporter.failed(error, lease: nil, after: nil)
            return .failed(error)
        } catch {
            return .storeUnavailable(error)
        }

        switch run.body {
        case .success:
            do {
                try jobMutex.answer(run)
                reporter.succeeded(run.lease, after: duration)
                return .succeeded
            } catch let timeout as DBMutexTimeoutError {
                reporter.overran(timeout, lease: run.lease, after: duration)
                return .overran(timeout)
            } catch {
                let failure = JobRunError.releaseFailed(jobName: jobName, lease: run.lease, error: error)
                reporter.failed(failure, lease: run.lease, after: duration)
                return .failed(failure)
            }
        case .failure(let workerError):
            var error = workerError
            if cancels, workerError is CancellationError, signals.isLeaseLost {
                error = JobRunError.leaseLost(jobName: jobName, lease: run.lease, newHolder: signals.newHolder)
            } else if workerError is CancellationError, signals.isCancelled {
                error = JobRunError.cancelled(jobName: jobName, lease: run.lease)
            }
            switch run.release {
            case .success(let released):
                if let timeout = jobMutex.timeoutError(for: run.lease, released) {
                    reporter.overran(timeout, lease: run.lease, after: duration)
                }
            case .failure(let releaseError):
                reporter.releaseFailed(releaseError, lease: run.lease)
            }
            reporter.failed(error, lease: run.lease, after: duration)
            return .failed(error)
        }
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
