import Foundation

/// The fleet controls' part of an acquire, as pure functions, for the stores that decide in
/// Swift (SQLite, memory). PostgreSQL keeps the same rules in SQL (`acquire_v5` in
/// `PostgresSchema+V5.swift`); the conformance suite holds all of them to the same behaviour.
enum ControlRules {
    /// A job's control row: its pause, if paused now, and the newest tick skipped as paused.
    struct Row: Sendable, Hashable {
        var pause: JobPause?
        var skippedTick: Date?
    }

    /// What the controls say about `request` before the lock is asked for: a refusal, and
    /// the row to write (a paused tick recorded as skipped); `(nil, nil)` lets the acquire go on.
    static func decide(_ row: Row?, for request: LockRequest, at now: Date) -> (refusal: DBMutexError?, write: Row?) {
        guard request.run != nil, let tick = request.tick, let row else { return (nil, nil) }
        if let pause = row.pause, row.skippedTick.map({ $0 < tick }) ?? true {
            var written = row
            written.skippedTick = tick
            return (DBMutexError(lockID: request.lockID, reason: .paused(pause), checkedAt: now), written)
        }
        if let skipped = row.skippedTick, tick <= skipped {
            return (DBMutexError(lockID: request.lockID, reason: .alreadyRan(tick: tick, lastTick: skipped), checkedAt: now), nil)
        }
        return (nil, nil)
    }

    /// `lease` with its previous tick moved to the newest tick skipped as paused, when that is
    /// newer: ticks skipped as paused were handled, not missed.
    static func granted(_ lease: Lease, after row: Row?) -> Lease {
        guard let skipped = row?.skippedTick, let previous = lease.previousTick, skipped > previous else { return lease }
        var lease = lease
        lease.previousTick = skipped
        return lease
    }
}
