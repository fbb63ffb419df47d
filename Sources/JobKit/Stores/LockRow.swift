import Foundation

/// A lock row as stores that decide in Swift (SQLite, memory) keep it.
struct LockRow: Sendable, Hashable {
    var lockID: String
    var owner: String
    var token: Int64
    var acquiredAt: Date
    var expiresAt: Date?
    var aliveUntil: Date?
    var releasedAt: Date?
    var lastTick: Date?
    /// Set with `releasedAt` when an operator force-released the row; cleared by the next acquisition.
    var forceReleasedAt: Date? = nil

    var holder: LockHolder {
        LockHolder(owner: owner, token: token, since: acquiredAt, until: expiresAt, aliveUntil: aliveUntil)
    }

    func state(at now: Date) -> LockState {
        LockState(
            lockID: lockID, owner: owner, token: token, acquiredAt: acquiredAt, expiresAt: expiresAt,
            aliveUntil: aliveUntil, releasedAt: releasedAt, lastTick: lastTick,
            status: LockRules.status(of: self, at: now)
        )
    }
}
