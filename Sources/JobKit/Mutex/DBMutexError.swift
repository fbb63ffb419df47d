import Foundation

/// The lock could not be acquired: another process holds it, or the scheduled tick it was
/// asked for has already been claimed.
///
/// This is django-db-mutex's `DBMutexError`, with the context a person needs: who holds the
/// lock, since when and until when.
public struct DBMutexError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the lock was refused.
    public enum Reason: Sendable, Hashable {
        /// Another acquisition holds the lock and is neither released, expired nor dead.
        case held(by: LockHolder)
        /// The tick asked for is not newer than the last tick claimed for this lock: some
        /// process (maybe on another machine) already ran it. Not an alert.
        case alreadyRan(tick: Date, lastTick: Date)
    }

    /// The lock id that was asked for.
    public let lockID: String
    /// Why it was refused.
    public let reason: Reason

    /// Creates an error.
    public init(lockID: String, reason: Reason) {
        self.lockID = lockID
        self.reason = reason
    }

    /// The current holder, when the lock is held.
    public var holder: LockHolder? {
        if case .held(let holder) = reason { return holder }
        return nil
    }

    /// When the current holder acquired the lock, on the store's clock.
    public var since: Date? { holder?.since }

    /// When the current holder's TTL runs out, on the store's clock.
    public var until: Date? { holder?.until }

    public var description: String {
        switch reason {
        case .held(let holder):
            return "The lock \"\(lockID)\" is held by \(holder)."
        case .alreadyRan(let tick, let lastTick):
            return "The lock \"\(lockID)\" already ran tick \(tick.jobKitTimestamp) "
                + "(last tick claimed: \(lastTick.jobKitTimestamp))."
        }
    }
}
