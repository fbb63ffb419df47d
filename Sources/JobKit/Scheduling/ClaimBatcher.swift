/// Gathers the claims (acquires) and the releases that one process's jobs make at about the
/// same moment and sends each gathering to the store as one batch
/// (``LockStore/acquire(batch:)``, ``LockStore/release(batch:)``): on PostgreSQL one statement
/// and one commit for every job due at an instant, instead of one per job.
///
/// A gathering lasts while claims keep arriving: it is sent once `window` passes with no new
/// claim, or at the latest ``longestGathering(window:)`` after its first claim; while a batch
/// is at the store, the claims that arrive wait for it and go in the next one. Acquires and
/// releases travel separately, each one batch at a time, on Dispatch queues (the store calls
/// block), never on the cooperative pool. Every caller gets its own answer, exactly as a single
/// call gives it.
final class ClaimBatcher: Sendable {
    private let acquires: ClaimGathering<LockRequest, AcquireResult>
    private let releases: ClaimGathering<LockRelease, ReleaseResult>

    /// A batcher for `store` that sends a gathering once `window` passes with no new claim.
    init(store: any LockStore, window: Duration) {
        let longest = Self.longestGathering(window: window)
        acquires = ClaimGathering(label: "jobkit.claims.acquire", window: window, longest: longest) {
            store.acquire(batch: $0)
        }
        releases = ClaimGathering(label: "jobkit.claims.release", window: window, longest: longest) {
            store.release(batch: $0)
        }
    }

    /// The longest a gathering waits after its first claim while claims keep arriving: 20
    /// windows (100 ms for the default 5 ms).
    static func longestGathering(window: Duration) -> Duration {
        window * 20
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
