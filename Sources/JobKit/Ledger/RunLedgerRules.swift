import Foundation

/// The run ledger's rules as pure functions, for the stores that decide in Swift (SQLite,
/// memory). PostgreSQL keeps the same rules in SQL (`PostgresSchema+V2.swift`); the
/// conformance suite holds all of them to the same behaviour.
enum RunLedgerRules {
    /// The row an acquisition opens, when the request runs a job.
    static func started(_ request: LockRequest, _ lease: Lease) -> RunRecord? {
        guard let run = request.run else { return nil }
        return RunRecord(
            job: run.job, jobType: run.jobType, lockID: request.lockID, tick: request.tick, token: lease.token,
            owner: lease.owner, startedAt: lease.acquiredAt, endedAt: nil, outcome: .running, error: nil, overlapped: false, kind: run.kind
        )
    }

    /// The previous holder's run, when an acquisition takes over a holder presumed gone: it
    /// ends as lost, unless its holder comes back and releases.
    static func takenOver(_ record: RunRecord, at now: Date) -> RunRecord? {
        guard record.outcome == .running else { return nil }
        var ended = record
        ended.outcome = .lost
        ended.endedAt = now
        return ended
    }

    /// The row once its holder released with `end` and the store answered `release`.
    static func ended(_ record: RunRecord, with end: RunEnd, release: ReleaseResult, at now: Date) -> RunRecord {
        var ended = record
        ended.endedAt = now
        ended.outcome = end.recordedOutcome(after: release)
        ended.error = end.boundedError
        ended.overlapped = overlapped(after: release)
        return ended
    }

    /// Whether a release's answer says another holder took the lock over: the runs overlapped.
    static func overlapped(after release: ReleaseResult) -> Bool {
        if case .lost(let loss) = release { return loss.isTakeover }
        return false
    }
}
