extension DBMutex {
    /// Counts a refused acquisition of the mutex used without a job (`withLock`, `withLease`,
    /// `withDBMutex`): `jobkit_mutex_acquisitions_total{outcome="held"|"already_ran"}`.
    func countRefusal(_ refusal: DBMutexError) {
        switch refusal.reason {
        case .held: metrics.mutexAcquisition("held")
        case .alreadyRan: metrics.mutexAcquisition("already_ran")
        }
    }

    /// Counts a finished critical section of the mutex used without a job: the acquisition,
    /// and one overlap when its lease was lost or its release found another holder.
    func countSection<R>(_ run: Run<R>) {
        metrics.mutexAcquisition("acquired")
        let timedOut = (try? run.release.get()).flatMap { timeoutError(for: run.lease, $0) }
        if run.lost || timedOut?.overlapped == true { metrics.mutexOverlapped() }
    }
}
