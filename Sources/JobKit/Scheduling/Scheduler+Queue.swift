import Foundation

/// `"overlap": "queue_one"`: a tick that finds its job still running waits for that run to end
/// and then runs once.
///
/// One waiter across the fleet: the waiter first takes the job's **queue lock** (``ScheduledJob/queueLockID``)
/// for the tick, through the store's once-per-tick claim, and holds it (heartbeating) until it
/// has the job's own lock. So of the machines whose fire finds the job running, exactly one
/// claims the tick's place in the queue (the others are refused as already ran, or as held
/// while an earlier tick waits) and skips as without the policy (`lock_held`, `still_running`).
/// The queue lock is released as soon as the job's lock is taken, so the next tick can queue
/// behind the run that just started: a job longer than its interval runs back to back, never
/// two at once.
extension Scheduler {
    private enum QueueEvent: Sendable {
        case queueReleased
        case stopping
        case ran(JobOutcome)
    }

    /// Waits in the fleet's queue for the job's lock and runs `tick`; nil when another fire
    /// holds the queue (the caller reports the skip).
    func queue(_ job: ScheduledJob, tick: Date, stopping: WakeSignal) async -> JobOutcome? {
        let tracker = RunTracker.current
        defer { tracker?.endQueue() }
        let mutex = self.mutex
        let decided = WakeSignal()
        let inQueue = WakeSignal()
        let acquired = WakeSignal()
        let ttl = job.ttl
        // The longest a run can hold the lock: its TTL (then the lock may be taken over).
        let budget = ((try? ttl.resolve()) ?? nil) ?? .seconds(366 * 86_400)
        return await withTaskGroup(of: QueueEvent.self) { group in
            group.addTask {
                do {
                    try await mutex.withLease(job.queueLockID, ttl: .duration(budget * 2), tick: tick) { _ in
                        inQueue.raise()
                        decided.raise()
                        try? await acquired.wait()
                    }
                } catch {
                    decided.raise()
                }
                return .queueReleased
            }
            try? await decided.wait()
            guard inQueue.isRaised else {
                await group.waitForAll()
                return nil
            }
            group.addTask {
                let outcome = await job.job.run(
                    using: mutex, tick: tick, ttl: ttl, lockID: job.lockID, jobName: job.name, jobType: job.jobType,
                    wait: budget, run: nil,
                    whenAcquired: { lease in
                        tracker?.endQueue()
                        acquired.raise()
                        self.reportMissed(job, lease)
                    }
                )
                acquired.raise()
                return .ran(outcome)
            }
            group.addTask {
                try? await stopping.wait()
                return .stopping
            }
            var outcome: JobOutcome?
            while let event = await group.next() {
                switch event {
                case .ran(let ran):
                    outcome = ran
                    group.cancelAll()
                case .stopping:
                    // A shutdown ends the wait; a run that has its lock gets the shutdown grace.
                    if !acquired.isRaised { group.cancelAll() }
                case .queueReleased:
                    break
                }
            }
            return outcome
        }
    }
}
