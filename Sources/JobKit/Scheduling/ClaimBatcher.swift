/// Gathers the claims (acquires) and the releases that one process's jobs make at about the
/// same moment and sends each gathering to the store as one batch
/// (``LockStore/acquire(batch:)``, ``LockStore/release(batch:)``): on PostgreSQL one statement
/// and one commit for every job due at an instant, instead of one per job.
///
/// The first claim of a gathering waits `window` for others; while a batch is at the store, the
/// claims that arrive wait for it and go in the next one. Acquires and releases travel
/// separately, each one batch at a time, on Dispatch queues (the store calls block), never on
/// the cooperative pool. Every caller gets its own answer, exactly as a single call gives it.
final class ClaimBatcher: Sendable {
    private let acquires: ClaimGathering<LockRequest, AcquireResult>
    private let releases: ClaimGathering<LockRelease, ReleaseResult>

    /// A batcher for `store` that gathers for `window` after the first claim.
    init(store: any LockStore, window: Duration) {
        acquires = ClaimGathering(label: "jobkit.claims.acquire", window: window) { store.acquire(batch: $0) }
        releases = ClaimGathering(label: "jobkit.claims.release", window: window) { store.release(batch: $0) }
    }

    /// Acquires `request` in the next batch.
    func acquire(_ request: LockRequest) async -> Result<AcquireResult, any Error> {
        await acquires.submit(request)
    }

    /// Releases in the next batch.
    func release(_ release: LockRelease) async -> Result<ReleaseResult, any Error> {
        await releases.submit(release)
    }
}
