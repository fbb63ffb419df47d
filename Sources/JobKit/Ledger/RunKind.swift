/// Why a run happened, as the run ledger records it (`kind` in `jobkit history --json`).
///
/// A struct over a private enum, so new kinds can be added without breaking a `switch`.
public struct RunKind: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable {
        case scheduled, manual, once
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// A scheduler ran it for a tick of its schedule.
    public static let scheduled = RunKind(.scheduled)
    /// A scheduler ran it because an operator asked (`jobkit trigger`).
    public static let manual = RunKind(.manual)
    /// It was run directly, without a tick (`jobkit once`, or a job's `run(using:)`).
    public static let once = RunKind(.once)

    /// The kind named `name` (`scheduled`, `manual`, `once`), if it is one.
    public init?(name: String) {
        guard let base = Base(rawValue: name) else { return nil }
        self.base = base
    }

    /// The stored name.
    public var name: String { base.rawValue }

    public var description: String { base.rawValue }
}
