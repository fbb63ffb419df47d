/// Closes a run-ledger row with a release (``LockStore/release(_:ending:)``): how the work
/// ended, as the holder saw it. The store may turn `succeeded` into ``RunOutcome/overran``
/// (or ``RunOutcome/lost``) when the release finds the lease ran out or was lost first.
public struct RunEnd: Sendable, Hashable {
    /// How the work ended: ``RunOutcome/succeeded``, ``RunOutcome/failed``,
    /// ``RunOutcome/cancelled`` or ``RunOutcome/lost``.
    public var outcome: RunOutcome
    /// A summary of the error, if any; stores keep at most ``RunEnd/maximumErrorLength`` characters.
    public var error: String?

    /// The longest error summary a ledger row keeps.
    public static let maximumErrorLength = 1000

    /// Creates a run end.
    public init(outcome: RunOutcome, error: String? = nil) {
        self.outcome = outcome
        self.error = error
    }

    /// The outcome the ledger records once the release answered `release`.
    func recordedOutcome(after release: ReleaseResult) -> RunOutcome {
        guard outcome == .succeeded else { return outcome }
        switch release {
        case .released: return .succeeded
        case .expired: return .overran
        case .lost(let loss): return loss.isForceReleased ? .lost : .overran
        }
    }

    /// The error summary, shortened to ``maximumErrorLength``.
    var boundedError: String? { error.map { String($0.prefix(Self.maximumErrorLength)) } }
}
