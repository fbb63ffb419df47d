import Foundation

/// What became of a lease that no longer holds, as a heartbeat or a release found it.
///
/// Either an operator force-released the lock while it was held (`jobkit locks release`,
/// ``LockStore/forceRelease(_:)``, or the row was deleted by hand, as django-db-mutex's
/// tooling does), or another holder took it over (its holder missed heartbeats or outlived its
/// TTL) — that holder still holding the lock, or having released it since. Messages and
/// events name which.
///
/// A struct over a private enum, so that a new kind of loss does not break a `switch`:
/// ask ``isForceReleased`` and ``newHolder``.
public struct LeaseLoss: Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case forceReleased(at: Date?)
        case takenOver(by: LockHolder, released: Bool)
        case releasedByItsHolder
        case deleted
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// The lock was force-released by an operator while the lease held it; `at` is when, on the
    /// store's clock, or `nil` when the row was deleted and the store cannot tell.
    public static func forceReleased(at date: Date?) -> LeaseLoss { LeaseLoss(.forceReleased(at: date)) }

    /// Another holder took the lock over; `released` says whether that holder has released
    /// it since (the lock may then be free, or held by yet another holder).
    public static func takenOver(by holder: LockHolder, released: Bool) -> LeaseLoss {
        LeaseLoss(.takenOver(by: holder, released: released))
    }

    /// The lease's own holder had already released it (a heartbeat after the release).
    public static let releasedByItsHolder = LeaseLoss(.releasedByItsHolder)

    /// The lease's row was deleted by a store whose protocol deletes rows (django-db-mutex's
    /// table: another process purges a row past its TTL, or an operator force-releases it),
    /// and no other row holds the lock now: whether another holder ran meanwhile cannot be
    /// told, so it counts as a possible overlap.
    public static let deleted = LeaseLoss(.deleted)

    /// Whether an operator force-released the lock (or deleted its row) while it was held.
    public var isForceReleased: Bool {
        if case .forceReleased = kind { return true }
        return false
    }

    /// When the force-release happened, on the store's clock, when the store can tell.
    public var forceReleasedAt: Date? {
        if case .forceReleased(let at) = kind { return at }
        return nil
    }

    /// The holder that took the lock over, whether or not it still holds it.
    public var newHolder: LockHolder? {
        if case .takenOver(let holder, _) = kind { return holder }
        return nil
    }

    /// Whether the holder that took over has released the lock since; `false` when nobody
    /// took over.
    public var newHolderReleased: Bool {
        if case .takenOver(_, let released) = kind { return released }
        return false
    }

    /// Whether another holder took the lock while this lease was meant to hold it: the
    /// critical sections may have overlapped.
    public var isTakeover: Bool { newHolder != nil }

    /// Whether another holder may have run meanwhile: a takeover, or a deletion that cannot
    /// tell (``deleted``). ``DBMutexTimeoutError/overlapped`` reports it.
    public var mayHaveOverlapped: Bool {
        if case .deleted = kind { return true }
        return isTakeover
    }

    /// A word for what happened, as events' `reason` field says it: `force_released`,
    /// `taken_over`, `deleted` or `released`.
    public var reason: String {
        switch kind {
        case .forceReleased: "force_released"
        case .takenOver: "taken_over"
        case .deleted: "deleted"
        case .releasedByItsHolder: "released"
        }
    }

    /// What happened, as the end of a sentence: "it was force-released by an operator at …",
    /// "owner-b took it over with token 12 and still holds it".
    public var description: String {
        switch kind {
        case .forceReleased(let at?):
            return "it was force-released by an operator at \(at.jobKitTimestamp)"
        case .forceReleased(nil):
            return "it was force-released by an operator (its row was deleted)"
        case .takenOver(let holder, let released):
            return "\(holder.owner) took it over with token \(holder.token) and "
                + (released ? "has released it since" : "still holds it")
        case .releasedByItsHolder:
            return "its holder had already released it"
        case .deleted:
            return "its row was deleted (purged after its TTL by another process, or force-released), "
                + "so another holder may have run meanwhile"
        }
    }
}
