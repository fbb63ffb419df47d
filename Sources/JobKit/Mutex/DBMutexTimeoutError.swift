import Foundation

/// The critical code finished, but the lock's TTL ran out while it was running.
///
/// This is django-db-mutex's `DBMutexTimeoutError`, made precise: ``overlapped`` says whether
/// another holder actually took the lock in the meantime (a real overlap: two copies of the
/// critical code may have run at once) or whether nobody did (the section ran long, but alone).
public struct DBMutexTimeoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The lock id.
    public let lockID: String
    /// The fencing token of the lease that timed out.
    public let token: Int64
    /// When the lease's TTL ran out, on the store's clock; `nil` when the lock never expires,
    /// when it was taken over before its TTL ran out (missed heartbeats, force-release), or
    /// when the store could not tell (the newcomer has released too).
    public let expiredAt: Date?
    /// The TTL the lease was granted.
    public let ttl: Duration?
    /// Whether another holder took the lock over before this one released it.
    public let overlapped: Bool
    /// The holder that took over, when ``overlapped`` is `true` and the store could tell.
    public let newHolder: LockHolder?

    /// Creates an error.
    public init(
        lockID: String, token: Int64, expiredAt: Date?, ttl: Duration?, overlapped: Bool, newHolder: LockHolder?
    ) {
        self.lockID = lockID
        self.token = token
        self.expiredAt = expiredAt
        self.ttl = ttl
        self.overlapped = overlapped
        self.newHolder = newHolder
    }

    public var description: String {
        if overlapped, expiredAt == nil {
            guard let newHolder else {
                return "The lock \"\(lockID)\" (token \(token)) was taken over by another holder before it was "
                    + "released, so the critical code overlapped."
            }
            return "The lock \"\(lockID)\" (token \(token)) was lost before its TTL ran out (its holder missed "
                + "heartbeats or it was force-released); \(newHolder.owner) took it over with token "
                + "\(newHolder.token), so the critical code overlapped."
        }
        var text = "The lock \"\(lockID)\" (token \(token)) outlived its TTL"
        if let ttl { text += " of \(ttl.jobKitSeconds) s" }
        if let expiredAt { text += ", which ran out at \(expiredAt.jobKitTimestamp)" }
        if overlapped {
            if let newHolder {
                text += "; \(newHolder.owner) took it over with token \(newHolder.token), so the critical code overlapped."
            } else {
                text += "; another holder took it over, so the critical code overlapped."
            }
        } else {
            text += "; nobody took it over, so nothing overlapped."
        }
        return text
    }
}
