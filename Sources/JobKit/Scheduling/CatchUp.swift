/// What a scheduler does at start about the job's most recent tick, when it is within the
/// job's grace: the jobs file's `catchup`.
///
/// A struct over a private enum, so policies can be added without breaking a `switch`.
public struct CatchUp: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable, CaseIterable {
        case latest, none
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// Runs the most recent tick at start if it is within grace (deduplicated across the fleet
    /// like any tick, so a tick another machine ran is `already_ran`): a deploy that restarts
    /// every machine across a tick does not lose it. The default.
    public static let latest = CatchUp(.latest)
    /// Runs nothing at start; the first run is the next tick. A tick nobody ran meanwhile is
    /// reported as `job.missed`.
    public static let none = CatchUp(.none)

    /// The policy named `name` in a jobs file (`latest`, `none`), if it is one.
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
