import Foundation

/// The lock contract as pure functions, for the stores that decide in Swift inside one
/// transaction (SQLite, memory). PostgreSQL keeps the same rules in SQL
/// (`PostgresSchema`); the conformance suite holds all of them to the same behaviour.
///
/// Boundaries are inclusive: a TTL or liveness deadline that is exactly reached has passed.
enum LockRules {
    /// What an acquire should do with the current row.
    enum Decision: Sendable, Hashable {
        /// Write a new acquisition; `recovery` is set when a gone holder is taken over.
        case take(recovery: LockRecovery?)
        /// Refuse with this error.
        case refuse(DBMutexError)
    }

    static func status(of row: LockRow, at now: Date) -> LockState.Status {
        if row.releasedAt != nil { return .released }
        if let expiresAt = row.expiresAt, expiresAt <= now { return .expired }
        if let aliveUntil = row.aliveUntil, aliveUntil <= now { return .dead }
        return .held
    }

    static func decide(_ row: LockRow?, for request: LockRequest, at now: Date) -> Decision {
        guard let row else { return .take(recovery: nil) }
        if let tick = request.tick, let lastTick = row.lastTick, tick <= lastTick {
            return .refuse(DBMutexError(lockID: request.lockID, reason: .alreadyRan(tick: tick, lastTick: lastTick)))
        }
        switch status(of: row, at: now) {
        case .released:
            return .take(recovery: nil)
        case .expired:
            return .take(recovery: LockRecovery(previous: row.holder, reason: .expired))
        case .dead:
            return .take(recovery: LockRecovery(previous: row.holder, reason: .ownerDead))
        case .held:
            return .refuse(DBMutexError(lockID: request.lockID, reason: .held(by: row.holder)))
        }
    }

    /// The row a successful acquire writes.
    static func acquiredRow(
        _ request: LockRequest, token: Int64, previous: LockRow?, at now: Date
    ) -> LockRow {
        LockRow(
            lockID: request.lockID,
            owner: request.owner,
            token: token,
            acquiredAt: now,
            expiresAt: request.ttl.map { now.addingTimeInterval($0.jobKitTimeInterval) },
            aliveUntil: request.liveness.map { now.addingTimeInterval($0.jobKitTimeInterval) },
            releasedAt: nil,
            lastTick: request.tick ?? previous?.lastTick
        )
    }

    /// What a heartbeat of `lease` finds in `row`; when alive, the row to write back.
    static func heartbeat(_ row: LockRow?, lease: Lease, window: Duration, at now: Date) -> (HeartbeatResult, LockRow?) {
        guard let row, row.token == lease.token, row.releasedAt == nil else {
            let holder = row.flatMap { $0.releasedAt == nil && $0.token != lease.token ? $0.holder : nil }
            return (.lost(holder: holder), nil)
        }
        var updated = row
        updated.aliveUntil = now.addingTimeInterval(window.jobKitTimeInterval)
        let expired = row.expiresAt.map { $0 <= now } ?? false
        return (.alive(expired: expired), updated)
    }

    /// What releasing `lease` finds in `row`; the row to write back, if any.
    static func release(_ row: LockRow?, lease: Lease, at now: Date) -> (ReleaseResult, LockRow?) {
        guard let row, row.token == lease.token else {
            // Someone acquired after us. It may have released since; then there is no holder to name.
            let holder = row.flatMap { $0.releasedAt == nil ? $0.holder : nil }
            return (.takenOver(holder: holder), nil)
        }
        let expiredAt = row.expiresAt.flatMap { $0 <= (row.releasedAt ?? now) ? $0 : nil }
        var updated: LockRow?
        if row.releasedAt == nil {
            var released = row
            released.releasedAt = now
            updated = released
        }
        if let expiredAt { return (.expired(at: expiredAt), updated) }
        return (.released, updated)
    }
}

extension Duration {
    /// The duration as a `TimeInterval` (seconds, as a Double).
    var jobKitTimeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
