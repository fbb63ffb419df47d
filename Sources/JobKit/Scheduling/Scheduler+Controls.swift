import Foundation
import Logging
import Synchronization

extension Scheduler {
    /// The jobs of this scheduler that the latest control poll found paused, by name (empty
    /// before the first poll, and for a store without controls). Cheap: reads memory only.
    public var pausedJobs: [String: JobPause] { polledPauses.withLock { $0 } }

    /// The control poll: one statement every ``Configuration/controlInterval`` for all the
    /// jobs, starting a manual run for each trigger request whose job is not running here.
    /// A request whose lock is held elsewhere stays pending for a later poll. Stops polling
    /// for good on a store without controls. On shutdown, a manual run gets the shutdown grace
    /// to finish, like a scheduled one, and is cancelled after it.
    ///
    /// It sleeps on the wall clock, not on the scheduler's clock: the poll is upkeep, like a
    /// heartbeat, and a clock injected to step ticks by hand keeps only the ticks' timers.
    func pollControls(health: StoreHealth, stopping: WakeSignal) async {
        let wallClock = DispatchWallClock()
        var started: Set<String> = []   // the jobs this poller ran manually
        let names = jobs.map(\.name)
        let store = mutex.store
        let owner = mutex.owner
        await withDiscardingTaskGroup { runs in
            while !stopping.isRaised {
                let attemptStarted = ContinuousClock.now
                do {
                    let snapshot = try await BlockingQueue.run { try store.controls(for: names, seenBy: owner) }
                    // Not `health.succeeded()`: the controls answering does not prove the lock
                    // table does (it may be dropped or denied), so only a fire ends an outage.
                    polledPauses.withLock { $0 = snapshot.pauses }
                    for request in snapshot.triggers {
                        guard let index = jobIndex[request.job], trackers[index].tryStart() else { continue }
                        let job = jobs[index]
                        let tracker = trackers[index]
                        started.insert(job.name)
                        runs.addTask {
                            defer { tracker.finish() }
                            await RunTracker.$current.withValue(tracker) {
                                await self.fireManually(job, request: request, health: health)
                            }
                        }
                    }
                } catch is ControlsUnavailableError {
                    logger.debug("The lock store keeps no fleet controls; the scheduler does not poll them.")
                    return
                } catch {
                    health.failed(error, job: nil, attemptStarted: attemptStarted)
                }
                let deadline = wallClock.now().addingTimeInterval(configuration.controlInterval.jobKitTimeInterval)
                do {
                    try await wallClock.sleep(until: deadline, wakingOn: stopping)
                } catch {
                    break
                }
            }
            for name in started.sorted() {
                guard let index = jobIndex[name], trackers[index].isRunning else { continue }
                let tracker = trackers[index]
                if await !finishes(tracker, within: configuration.shutdownGrace) {
                    runs.cancelAll()
                    break
                }
            }
        }
    }

    /// Runs `job` once for trigger request `request`, through its lock (never next to a
    /// running one); the store claims the request with the lock, so one scheduler runs it.
    private func fireManually(_ job: ScheduledJob, request: TriggerRequest, health: StoreHealth) async {
        let started = ContinuousClock.now
        let outcome = await job.job.run(
            using: mutex, tick: nil, ttl: job.ttl, lockID: job.lockID, jobName: job.name, jobType: job.jobType,
            wait: nil, run: RunStart(job: job.name, jobType: job.jobType ?? job.job.instanceJobTypeName, kind: .manual, trigger: request.id),
            whenAcquired: { _ in }
        )
        record(outcome, health: health, job: job, attemptStarted: started)
    }
}
