/// What a tick does when it finds its job still running, here or on another machine: the jobs
/// file's `overlap`.
///
/// A struct over a private enum, so policies can be added without breaking a `switch`.
public struct OverlapPolicy: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable, CaseIterable {
        case skip
        case queueOne = "queue_one"
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// The tick is skipped (`job.skipped`, `reason` `still_running` or `lock_held`). The default.
    public static let skip = OverlapPolicy(.skip)
    /// The tick waits for the running run to end and then runs once: never two runs at once,
    /// never more than one tick waiting across the fleet (the machine that claims the tick is
    /// the one that waits); ticks that come meanwhile are skipped as with ``skip``.
    public static let queueOne = OverlapPolicy(.queueOne)

    /// The policy named `name` in a jobs file (`skip`, `queue_one`), if it is one.
    public init?(name: String) {
        guard let base = Base(rawValue: name) else { return nil }
        self.base = base
    }

    /// The names a jobs file may use.
    public static let names = Base.allCases.map(\.rawValue)

    /// The jobs file's name for it.
    public var name: String { base.rawValue }

    public var description: String { base.rawValue }
}
