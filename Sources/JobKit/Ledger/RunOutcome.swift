/// How a run of a job ended, as the run ledger records it. The names match the events:
/// `succeeded` ↔ `job.succeeded`, `failed` ↔ `job.failed`, `overran` ↔ `job.overran`.
///
/// A struct over a private enum, so new outcomes can be added without breaking a `switch`.
public struct RunOutcome: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable, CaseIterable {
        case running, succeeded, failed, overran, lost, cancelled
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// Still running (or its process died and nobody has taken the lock over yet).
    public static let running = RunOutcome(.running)
    /// The work succeeded and the lock was released within its TTL.
    public static let succeeded = RunOutcome(.succeeded)
    /// The work threw (or could not be released).
    public static let failed = RunOutcome(.failed)
    /// The work succeeded, but its lease ran out (TTL) or was taken over first.
    public static let overran = RunOutcome(.overran)
    /// The lease was lost while the run held it: its holder stopped beating and another took
    /// the lock over, or an operator force-released it.
    public static let lost = RunOutcome(.lost)
    /// The run was cancelled (its scheduler shut down, or its task was cancelled).
    public static let cancelled = RunOutcome(.cancelled)

    /// The outcome named `name` (as stored: `running`, `succeeded`, …), if it is one.
    public init?(name: String) {
        guard let base = Base(rawValue: name) else { return nil }
        self.base = base
    }

    /// The stored name.
    public var name: String { base.rawValue }

    /// Whether the run counts as a failure for `consecutive_failures` (`failed`, `overran`, `lost`).
    public var isFailure: Bool { self == .failed || self == .overran || self == .lost }

    public var description: String { base.rawValue }
}
