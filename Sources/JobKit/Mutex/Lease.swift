import Foundation

/// A held lock: what a successful acquire returns.
///
/// The ``token`` is a fencing token: it is strictly greater than every token handed out
/// earlier for the same lock id, so a resource that remembers the highest token it has seen
/// can refuse writes from a holder that lost the lock without knowing it.
public struct Lease: Sendable, Hashable {
    /// The lock id.
    public var lockID: String
    /// The fencing token of this acquisition.
    public var token: Int64
    /// The owner string the lock was taken with.
    public var owner: String
    /// When the lock was acquired, on the store's clock.
    public var acquiredAt: Date
    /// When the TTL runs out, on the store's clock; `nil` if the lock never expires.
    public var expiresAt: Date?
    /// The liveness deadline set at acquisition; `nil` without heartbeats.
    public var aliveUntil: Date?
    /// The scheduled tick this acquisition claimed, if any.
    public var tick: Date?
    /// Set when the acquisition took the lock over from a holder that expired or stopped
    /// beating, rather than finding it free.
    public var recovered: LockRecovery?
    /// The last tick claimed for this lock before this acquisition, when the acquisition
    /// claimed a tick: every tick of the schedule strictly between the two was run by no
    /// machine. Only the acquisition that claims a tick sees it, so a gap is seen once.
    public var previousTick: Date?
    /// Set when the store draws tokens on its clock and that clock was behind the lock's
    /// previous token at this acquisition (set back, or a failover to a host whose clock lags):
    /// how far the token was set ahead of the clock's reading to stay above the previous one.
    /// The token still increases; the clock is what to fix. `nil` normally.
    public var tokenAheadOfClock: Duration?

    /// Creates a lease. Stores create leases; user code reads them.
    public init(
        lockID: String, token: Int64, owner: String, acquiredAt: Date, expiresAt: Date?,
        aliveUntil: Date?, tick: Date?, recovered: LockRecovery?, previousTick: Date? = nil,
        tokenAheadOfClock: Duration? = nil
    ) {
        self.previousTick = previousTick
        self.tokenAheadOfClock = tokenAheadOfClock
        self.lockID = lockID
        self.token = token
        self.owner = owner
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
        self.aliveUntil = aliveUntil
        self.tick = tick
        self.recovered = recovered
    }

    /// The TTL this lease was granted, measured on the store's clock.
    public var ttl: Duration? {
        expiresAt.map { Duration.milliseconds(Int64(($0.timeIntervalSince(acquiredAt) * 1000).rounded())) }
    }
}

/// What an acquisition took over: the previous holder and why it counted as gone.
public struct LockRecovery: Sendable, Hashable {
    /// Why the previous holder's lock could be taken.
    public enum Reason: String, Sendable, Hashable {
        /// Its TTL had passed.
        case expired
        /// It had stopped beating: its liveness deadline had passed.
        case ownerDead = "owner_dead"
    }

    /// The previous holder.
    public var previous: LockHolder
    /// Why it counted as gone.
    public var reason: Reason

    /// Creates a recovery description.
    public init(previous: LockHolder, reason: Reason) {
        self.previous = previous
        self.reason = reason
    }
}
