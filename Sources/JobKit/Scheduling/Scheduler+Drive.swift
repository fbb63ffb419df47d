import Foundation

/// The life of one job: plan, sleep until its next tick, fire, repeat.
///
/// A job waiting for its next tick costs its task and one sleep on the scheduler's clock: it
/// holds no task group, and its task keeps only its index and its last handled instant across
/// the sleep (the job itself is read from ``Scheduler/jobs`` when a tick comes). A fire runs in
/// a task group that the job opens when the fire starts and leaves at its first wake-up with
/// no fire in flight, so that ticks keep coming while a fire runs (a tick that finds the job
/// still running is skipped, or queued with ``OverlapPolicy/queueOne``) and a shutdown can
/// cancel the job's own fires after the grace.
extension Scheduler {
    /// What one plan decided: the tick to run now, if any, and the next tick to wake for.
    struct DriveStep {
        var run: Date?
        var next: Date?
    }

    /// The life of job `index`: wait for its next tick, fire, repeat; on shutdown (`stopping`
    /// raised, or the task cancelled), let a running fire finish within the grace period.
    func drive(_ index: Int, health: StoreHealth, stopping: WakeSignal) async {
        var lastHandled: Date?
        var step = plan(index, lastHandled: &lastHandled)
        while true {
            if step.run != nil {
                guard await whileFiring(index, &step, lastHandled: &lastHandled, health: health, stopping: stopping) else {
                    return
                }
            }
            guard let next = step.next, await sleep(index, until: next, stopping: stopping) else { break }
            step = plan(index, lastHandled: &lastHandled)
        }
        // No fire of this job's group is in flight; a manual run (the control poll's) may be,
        // and is waited for as long as a fire would be.
        let tracker = trackers[index]
        if tracker.isRunning { _ = await finishes(tracker, within: configuration.shutdownGrace) }
    }

    /// Handles `step.run` in a task group that stays open while a fire is in flight, planning
    /// and sleeping inside it meanwhile; returns true with a step whose run is handled once no
    /// fire is in flight, false when the schedule ended or the scheduler stops (then a running
    /// fire got the shutdown grace, and was cancelled after it).
    @inline(never)   // its frames exist only while a fire is in flight, not in a sleeping job's task
    private func whileFiring(
        _ index: Int, _ step: inout DriveStep, lastHandled: inout Date?, health: StoreHealth, stopping: WakeSignal
    ) async -> Bool {
        let tracker = trackers[index]
        return await withDiscardingTaskGroup { runs in
            while true {
                if let tick = step.run {
                    start(index, tick: tick, in: &runs, health: health, stopping: stopping)
                    step.run = nil
                }
                guard tracker.isRunning else { return true }
                guard let next = step.next, await sleep(index, until: next, stopping: stopping) else {
                    if tracker.isRunning, await !finishes(tracker, within: configuration.shutdownGrace) {
                        runs.cancelAll()
                    }
                    return false
                }
                step = plan(index, lastHandled: &lastHandled)
            }
        }
    }

    /// Plans job `index` at the clock's now after `lastHandled` (which it moves on), reporting
    /// misfired ticks.
    @inline(never)   // its values stay on the thread's stack, out of the job's async frames
    private func plan(_ index: Int, lastHandled: inout Date?) -> DriveStep {
        let job = jobs[index]
        let planner = TickPlanner(
            schedule: job.schedule, grace: job.grace + job.jitter, catchUp: job.catchUp == .latest, offset: job.tickOffset
        )
        let plan = planner.plan(lastHandled: lastHandled, now: clock.now())
        lastHandled = plan.lastHandled
        if let missed = plan.misfired { reportMisfire(job, missed) }
        return DriveStep(run: plan.run, next: plan.nextTick)
    }

    /// Sleeps until tick `next` of job `index` (plus its random jitter); false when the
    /// scheduler stops first or the task is cancelled.
    private func sleep(_ index: Int, until next: Date, stopping: WakeSignal) async -> Bool {
        let fireAt = next.addingTimeInterval(Self.randomJitter(jobs[index].jitter))
        do {
            try await clock.sleep(until: fireAt, wakingOn: stopping)
            return true
        } catch {
            return false
        }
    }

    /// Starts the fire of job `index` for `tick` in `runs`, or queues it behind the running one
    /// (``OverlapPolicy/queueOne``), or reports why it does not run.
    @inline(never)   // likewise
    private func start(
        _ index: Int, tick: Date, in runs: inout DiscardingTaskGroup, health: StoreHealth, stopping: WakeSignal
    ) {
        let job = jobs[index]
        let tracker = trackers[index]
        if tracker.tryStart() {
            runs.addTask {
                defer { tracker.finish() }
                await RunTracker.$current.withValue(tracker) {
                    await self.fire(job, tracker: tracker, tick: tick, health: health, stopping: stopping)
                }
            }
        } else if job.overlap == .queueOne, tracker.isRunningJob, tracker.tryQueue() {
            // Running here: this process may be the fleet's one waiter for the next run.
            runs.addTask {
                defer { tracker.finish() }
                await RunTracker.$current.withValue(tracker) {
                    let started = ContinuousClock.now
                    let outcome = await self.queue(job, tick: tick, stopping: stopping)
                    if case .none = outcome { self.reportStillRunning(job, tick: tick) }
                    self.record(outcome, health: health, job: job, attemptStarted: started)
                }
            }
        } else if tracker.isRunningJob || tracker.isQueued {
            reportStillRunning(job, tick: tick)
        } else {
            reportStillWaitingForStore(job, tick: tick)
        }
    }
}
