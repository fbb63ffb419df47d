import Foundation

/// The lock contract as pure functions, for the stores that decide in Swift inside one
/// transaction (SQLite, memory). PostgreSQL keeps the same rules in SQL
/// (`PostgresSchema`); the conformance suite holds all of them to the same behaviour.
///
/// Boundaries are inclusive: a TTL or liveness deadline that is exactly reached has passed.
///
/// Times are whole microseconds since the Unix epoch, like PostgreSQL's `timestamptz`: a
/// store passes `now` through ``onMicrosecondGrid(_:)`` and the rules add durations in
/// integer microseconds, so a deadline compares exactly with the instant it names, whatever
/// floating-point path produced either side.
enum LockRules {
    /// What an acquire should do with the current row.
    enum Decision: Sendable, Hashable {
        /// Write a new acquisition; `recovery` is set when a gone holder is taken over.
        case take(recovery: LockRecovery?)
        /// Refuse with this error.
        case refuse(DBMutexError)
    }

    /// `date` rounded to the nearest microsecond: the resolution every store keeps.
    static func onMicrosecondGrid(_ date: Date) -> Date {
        Date(epochMicroseconds: date.jobKitEpochMicroseconds)
    }

    /// `date` plus `duration`, in integer microseconds.
    static func adding(_ duration: Duration, to date: Date) -> Date {
        Date(epochMicroseconds: date.jobKitEpochMicroseconds + duration.jobKitMicroseconds)
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
            return .refuse(
                DBMutexError(lockID: request.lockID, reason: .alreadyRan(tick: tick, lastTick: lastTick), checkedAt: now)
            )
        }
        switch status(of: row, at: now) {
        case .released:
            return .take(recovery: nil)
        case .expired:
            return .take(recovery: LockRecovery(previous: row.holder, reason: .expired))
        case .dead:
            return .take(recovery: LockRecovery(previous: row.holder, reason: .ownerDead))
        case .held:
            return .refuse(DBMutexError(lockID: request.lockID, reason: .held(by: row.holder), checkedAt: now))
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
            expiresAt: request.ttl.map { adding($0, to: now) },
            aliveUntil: request.liveness.map { adding($0, to: now) },
            releasedAt: nil,
            lastTick: request.tick ?? previous?.lastTick
        )
    }

    /// A whole acquire: decides on `row`, and when the lock is taken, draws a token with
    /// `nextToken` and returns the lease and the row to write.
    static func acquire<E: Error>(
        _ row: LockRow?, for request: LockRequest, at now: Date, nextToken: () throws(E) -> Int64
    ) throws(E) -> (result: AcquireResult, write: LockRow?) {
        switch decide(row, for: request, at: now) {
        case .refuse(let error):
            return (.refused(error), nil)
        case .take(let recovery):
            let written = acquiredRow(request, token: try nextToken(), previous: row, at: now)
            let lease = Lease(
                lockID: written.lockID, token: written.token, owner: written.owner, acquiredAt: written.acquiredAt,
                expiresAt: written.expiresAt, aliveUntil: written.aliveUntil, tick: request.tick, recovered: recovery,
                previousTick: request.tick == nil ? nil : row?.lastTick
            )
            return (.acquired(lease), written)
        }
    }

    /// What force-releasing finds in `row`: whether it was unreleased, and the row to write.
    /// Like PostgreSQL's, it releases any row not yet released, also one whose holder expired
    /// or died.
    /// The row keeps a force-release mark, so its holder's heartbeat or release can say what
    /// happened; the next acquisition clears it.
    static func forceRelease(_ row: LockRow?, at now: Date) -> (released: Bool, write: LockRow?) {
        guard var row, row.releasedAt == nil else { return (false, nil) }
        row.releasedAt = now
        row.forceReleasedAt = now
        return (true, row)
    }

    /// Why `lease` no longer holds in `row` (a row of another token, or its own row released):
    /// `nil` when its own row was released by its own holder.
    static func loss(of lease: Lease, in row: LockRow?) -> LeaseLoss? {
        guard let row else { return .forceReleased(at: nil) }   // the row was deleted by hand
        if row.token != lease.token { return .takenOver(by: row.holder, released: row.releasedAt != nil) }
        // A version-1 binary (SQLite) does not clear the mark when it acquires: count it only
        // when it is not older than the acquisition.
        if let forcedAt = row.forceReleasedAt, forcedAt >= row.acquiredAt { return .forceReleased(at: forcedAt) }
        return nil
    }

    /// What a heartbeat of `lease` finds in `row`; when alive, the row to write back.
    static func heartbeat(_ row: LockRow?, lease: Lease, window: Duration, at now: Date) -> (HeartbeatResult, LockRow?) {
        guard let row, row.token == lease.token, row.releasedAt == nil else {
            return (.lost(loss(of: lease, in: row) ?? .releasedByItsHolder), nil)
        }
        var updated = row
        updated.aliveUntil = adding(window, to: now)
        let expired = row.expiresAt.map { $0 <= now } ?? false
        return (.alive(expired: expired), updated)
    }

    /// What releasing `lease` finds in `row`; the row to write back, if any.
    static func release(_ row: LockRow?, lease: Lease, at now: Date) -> (ReleaseResult, LockRow?) {
        // Taken over (the newcomer may have released since), force-released, or deleted.
        if let loss = loss(of: lease, in: row) { return (.lost(loss), nil) }
        guard let row else { return (.lost(.forceReleased(at: nil)), nil) }
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
