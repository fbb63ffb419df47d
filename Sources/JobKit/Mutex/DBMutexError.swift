import Foundation

/// The lock could not be acquired: another process holds it, or the scheduled tick it was
/// asked for has already been claimed.
///
/// This is django-db-mutex's `DBMutexError`, with the context a person needs: who holds the
/// lock, since when and until when, and how long the caller waited for it.
public struct DBMutexError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the lock was refused.
    ///
    /// A struct over a private enum, so that a new reason does not break a `switch`: ask
    /// ``holder`` and ``alreadyRan``.
    public struct Reason: Sendable, Hashable {
        private enum Kind: Sendable, Hashable {
            case held(LockHolder)
            case alreadyRan(tick: Date, lastTick: Date)
            case paused(JobPause)
            case triggerClaimed(Int64)
        }

        private let kind: Kind

        private init(_ kind: Kind) { self.kind = kind }

        /// Another acquisition holds the lock and is neither released, expired nor dead.
        public static func held(by holder: LockHolder) -> Reason { Reason(.held(holder)) }

        /// The tick asked for is not newer than the last tick claimed for this lock: some
        /// process (maybe on another machine) already ran it. Not an alert.
        public static func alreadyRan(tick: Date, lastTick: Date) -> Reason {
            Reason(.alreadyRan(tick: tick, lastTick: lastTick))
        }

        /// The job is paused for the fleet (`jobkit pause`) and this tick is the first of its
        /// skipped ticks to be refused: the refused caller reports it. Not an alert.
        public static func paused(_ pause: JobPause) -> Reason { Reason(.paused(pause)) }

        /// The trigger request asked for was claimed by another scheduler first: it runs it.
        public static func triggerClaimed(_ id: Int64) -> Reason { Reason(.triggerClaimed(id)) }

        /// The pause, when the job is paused.
        public var pause: JobPause? {
            if case .paused(let pause) = kind { return pause }
            return nil
        }

        /// The trigger request, when another scheduler claimed it first.
        public var claimedTrigger: Int64? {
            if case .triggerClaimed(let id) = kind { return id }
            return nil
        }

        /// The current holder, when the lock is held.
        public var holder: LockHolder? {
            if case .held(let holder) = kind { return holder }
            return nil
        }

        /// The tick asked for and the last tick claimed, when the tick already ran.
        public var alreadyRan: (tick: Date, lastTick: Date)? {
            if case .alreadyRan(let tick, let lastTick) = kind { return (tick, lastTick) }
            return nil
        }
    }

    /// The lock id that was asked for.
    public let lockID: String
    /// Why it was refused.
    public let reason: Reason
    /// When the store refused, on its clock, when the store says (every built-in store does).
    public let checkedAt: Date?
    /// How long the caller waited for the lock before giving up (`wait:`), measured on the
    /// store's clock; `nil` when it did not wait.
    public let waited: Duration?

    /// Creates an error.
    public init(lockID: String, reason: Reason, checkedAt: Date? = nil, waited: Duration? = nil) {
        self.lockID = lockID
        self.reason = reason
        self.checkedAt = checkedAt
        self.waited = waited
    }

    /// The same refusal, saying the caller waited `waited` for it.
    func waiting(_ waited: Duration) -> DBMutexError {
        DBMutexError(lockID: lockID, reason: reason, checkedAt: checkedAt, waited: waited)
    }

    /// The current holder, when the lock is held.
    public var holder: LockHolder? { reason.holder }

    /// When the current holder acquired the lock, on the store's clock.
    public var since: Date? { holder?.since }

    /// When the current holder's TTL runs out, on the store's clock.
    public var until: Date? { holder?.until }

    public var description: String {
        var text: String
        if let holder = reason.holder {
            text = "The lock \"\(lockID)\" is held by \(holder)."
        } else if let (tick, lastTick) = reason.alreadyRan {
            text = "The lock \"\(lockID)\" already ran tick \(tick.jobKitTimestamp) "
                + "(last tick claimed: \(lastTick.jobKitTimestamp))."
        } else if let pause = reason.pause {
            text = "The lock \"\(lockID)\" was refused: job \"\(pause.job)\" is paused by \(pause.pausedBy) since "
                + "\(pause.pausedAt.jobKitTimestamp)\(pause.reason.map { " (\($0))" } ?? "")."
        } else if let id = reason.claimedTrigger {
            text = "The lock \"\(lockID)\" was refused: trigger request \(id) was claimed by another scheduler."
        } else {
            text = "The lock \"\(lockID)\" was refused."
        }
        if let waited { text += " Gave up after waiting \(waited.jobKitSeconds) s for it." }
        return text
    }
}
