extension JobKitMetrics {
    /// Counts how a job's run ended: `jobkit_runs_total` for a run that held its lock or could
    /// not start, `jobkit_skips_total` for a skip; nothing for an unreachable store (that is
    /// `jobkit_store_up`, set by the scheduler).
    func ended(_ outcome: JobOutcome, job: String) {
        switch outcome {
        case .succeeded:
            runEnded(job: job, outcome: RunOutcome.succeeded.name)
        case .overran:
            runEnded(job: job, outcome: RunOutcome.overran.name)
        case .failed(let error):
            let runError = error as? JobRunError
            let outcome: RunOutcome = if runError?.isLeaseLost == true {
                .lost
            } else if runError?.isCancelled == true {
                .cancelled
            } else {
                .failed
            }
            runEnded(job: job, outcome: outcome.name)
        case .skipped(let reason) where reason.isTriggerClaimed:
            break   // not a skip: the scheduler that claimed the trigger runs it
        case .skipped(let reason):
            skipped(job: job, reason: reason.name)
        case .storeUnavailable:
            break
        }
    }
}
