extension DBMutex {
    /// Counts a refused acquisition of the mutex used without a job (`withLock`, `withLease`,
    /// `withDBMutex`): `jobkit_mutex_acquisitions_total{outcome="held"|"already_ran"}`.
    func countRefusal(_ refusal: DBMutexError) {
        metrics.mutexAcquisition(refusal.reason.alreadyRan != nil ? "already_ran" : "held")
    }

    /// Counts a finished critical section of the mutex used without a job: the acquisition,
    /// and one overlap when its lease was lost (`lock.lost`) or its release found another holder.
    func countSection<R>(_ run: Run<R>) {
        metrics.mutexAcquisition("acquired")
        let timedOut = (try? run.release.get()).flatMap { timeoutError(for: run.lease, $0) }
        if run.loss != nil || timedOut?.overlapped == true { metrics.mutexOverlapped() }
    }
}
