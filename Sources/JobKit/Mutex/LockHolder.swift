import Foundation

/// Who holds a lock, as the store saw it.
public struct LockHolder: Sendable, Hashable, CustomStringConvertible {
    /// The holder's owner string (by default `host:pid`).
    public var owner: String
    /// The holder's fencing token.
    public var token: Int64
    /// When the holder acquired the lock, on the store's clock.
    public var since: Date
    /// When the holder's TTL runs out, on the store's clock; `nil` if it never expires.
    public var until: Date?
    /// When the holder is presumed dead unless it beats again; `nil` without heartbeats.
    public var aliveUntil: Date?

    /// Creates a holder description.
    public init(owner: String, token: Int64, since: Date, until: Date?, aliveUntil: Date?) {
        self.owner = owner
        self.token = token
        self.since = since
        self.until = until
        self.aliveUntil = aliveUntil
    }

    public var description: String {
        var text = "\(owner) (token \(token)) since \(since.jobKitTimestamp)"
        if let until { text += " until \(until.jobKitTimestamp)" } else { text += ", never expiring" }
        return text
    }
}
