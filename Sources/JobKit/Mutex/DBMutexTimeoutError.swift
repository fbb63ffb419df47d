import Foundation

/// The critical code finished, but its lease did not hold to the end: the lock's TTL ran out
/// while it was running, another holder took the lock over, or an operator force-released it.
///
/// This is django-db-mutex's `DBMutexTimeoutError`, made precise: ``overlapped`` says whether
/// another holder actually took the lock in the meantime (a real overlap: two copies of the
/// critical code may have run at once) or whether nobody did (the section ran long, or was
/// force-released, but ran alone); ``loss`` says how the lease was lost, when it was.
public struct DBMutexTimeoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The lock id.
    public let lockID: String
    /// The fencing token of the lease that timed out.
    public let token: Int64
    /// When the lease's TTL ran out, on the store's clock; `nil` when the lock never expires,
    /// or when it was lost before its TTL ran out (missed heartbeats, force-release).
    public let expiredAt: Date?
    /// The TTL the lease was granted.
    public let ttl: Duration?
    /// Whether another holder took the lock over before this one released it.
    public let overlapped: Bool
    /// The holder that took over, when ``overlapped`` is `true` — also when it has released
    /// the lock since (see ``loss``).
    public let newHolder: LockHolder?
    /// How the lease was lost — force-released by an operator, or taken over (by whom, still
    /// holding or since released) — or `nil` when it simply outlived its TTL and nobody
    /// touched it.
    public let loss: LeaseLoss?

    /// Creates an error.
    public init(
        lockID: String, token: Int64, expiredAt: Date?, ttl: Duration?, overlapped: Bool, newHolder: LockHolder?,
        loss: LeaseLoss? = nil
    ) {
        self.lockID = lockID
        self.token = token
        self.expiredAt = expiredAt
        self.ttl = ttl
        self.overlapped = overlapped
        self.newHolder = newHolder
        self.loss = loss
    }

    /// Whether an operator force-released the lock (or deleted its row) while the critical
    /// code ran.
    public var forceReleased: Bool { loss?.isForceReleased ?? false }

    /// A word for what happened, as events' `reason` field says it: `force_released`,
    /// `taken_over`, `deleted` (a store that deletes rows cannot tell), or `expired` (the TTL
    /// ran out and nobody took over).
    public var reason: String {
        if let loss { return loss.reason }
        return overlapped ? "taken_over" : "expired"
    }

    public var description: String {
        let lock = "The lock \"\(lockID)\" (token \(token))"
        if let loss, loss.isForceReleased {
            return "\(lock) was lost while its critical code ran: \(loss); nobody took it over, so nothing overlapped."
        }
        if overlapped, expiredAt == nil {
            let how = loss.map { "\($0)" } ?? "another holder took it over"
            return "\(lock) was lost before its TTL ran out (its holder missed heartbeats): \(how), "
                + "so the critical code overlapped."
        }
        var text = "\(lock) outlived its TTL"
        if let ttl { text += " of \(ttl.jobKitSeconds) s" }
        if let expiredAt { text += ", which ran out at \(expiredAt.jobKitTimestamp)" }
        if overlapped {
            text += "; \(loss.map { "\($0)" } ?? "another holder took it over"), so the critical code overlapped."
        } else {
            text += "; nobody took it over, so nothing overlapped."
        }
        return text
    }
}
