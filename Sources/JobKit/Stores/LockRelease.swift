/// One release of a batch (``LockStore/release(batch:)``): the lease, and the run-ledger
/// row it ends, if any.
public struct LockRelease: Sendable, Hashable {
    /// The lease to release.
    public var lease: Lease
    /// How the run ended, for its ledger row; `nil` ends no row.
    public var run: RunEnd?

    /// Creates a release.
    public init(lease: Lease, run: RunEnd? = nil) {
        self.lease = lease
        self.run = run
    }
}
