import Foundation

/// Fleet controls on PostgreSQL (schema version 5): each call one statement.
extension PostgresLockStore {
    /// Pauses `job` for the fleet; see ``LockStore/pause(_:reason:by:)``.
    public func pause(_ job: String, reason: String?, by who: String) throws -> JobPause {
        let reason = try reason.map(PauseReason.validated)
        let result = try run(schema.pauseJob, [job, who, reason], "pausing job \(String(reflecting: job))")
        return JobPause(job: job, reason: reason, pausedBy: who, pausedAt: try Date(epochMicroseconds: result.requiredInt64(0, 0)))
    }

    /// Ends the pause of `job`; see ``LockStore/resume(_:)``.
    public func resume(_ job: String) throws -> JobPause? {
        let result = try run(schema.resumeJob, [job], "resuming job \(String(reflecting: job))")
        guard result.rowCount == 1 else { return nil }
        return JobPause(
            job: job, reason: result.string(0, 0), pausedBy: try result.requiredString(0, 1),
            pausedAt: try Date(epochMicroseconds: result.requiredInt64(0, 2))
        )
    }

    /// Every paused job; see ``LockStore/pauses()``.
    public func pauses() throws -> [JobPause] {
        let result = try run(schema.listPauses, [], "listing paused jobs")
        return try (0..<result.rowCount).map { (row) throws(PostgresError) in
            JobPause(
                job: try result.requiredString(row, 0), reason: result.string(row, 1),
                pausedBy: try result.requiredString(row, 2), pausedAt: try Date(epochMicroseconds: result.requiredInt64(row, 3))
            )
        }
    }

    /// Records a trigger request; see ``LockStore/requestTrigger(_:by:)``.
    public func requestTrigger(_ job: String, by who: String) throws -> TriggerRequest {
        let result = try run(schema.requestTrigger, [job, who], "asking for a run of job \(String(reflecting: job))")
        return TriggerRequest(
            id: try result.requiredInt64(0, 0), job: job, requestedBy: who,
            requestedAt: try Date(epochMicroseconds: result.requiredInt64(0, 1))
        )
    }

    /// Reads a trigger request; see ``LockStore/triggerRequest(_:)``.
    public func triggerRequest(_ id: Int64) throws -> TriggerRequest? {
        let result = try run(schema.readTrigger, [String(id)], "reading trigger request \(id)")
        guard result.rowCount == 1 else { return nil }
        return try Self.trigger(result, row: 0)
    }

    /// Withdraws an unclaimed trigger request; see ``LockStore/withdrawTrigger(_:)``.
    public func withdrawTrigger(_ id: Int64) throws -> Bool {
        try run(schema.withdrawTrigger, [String(id)], "withdrawing trigger request \(id)").rowCount == 1
    }

    /// The control poll; see ``LockStore/controls(for:seenBy:)``.
    public func controls(for jobs: [String], seenBy owner: String) throws -> ControlSnapshot {
        let names = JSONStringArray.text(jobs)
        let result = try run(schema.pollControls, [names, owner], "polling the fleet controls")
        var snapshot = ControlSnapshot()
        for row in 0..<result.rowCount {
            let job = try result.requiredString(row, 1)
            let who = try result.requiredString(row, 3)
            let at = try Date(epochMicroseconds: result.requiredInt64(row, 4))
            if result.string(row, 0) == "pause" {
                snapshot.pauses[job] = JobPause(job: job, reason: result.string(row, 2), pausedBy: who, pausedAt: at)
            } else {
                snapshot.triggers.append(
                    TriggerRequest(
                        id: try result.requiredInt64(row, 5), job: job, requestedBy: who, requestedAt: at,
                        seenBy: result.string(row, 6)
                    )
                )
            }
        }
        snapshot.triggers.sort { $0.id < $1.id }
        return snapshot
    }

    private static func trigger(_ result: PostgresResult, row: Int) throws(PostgresError) -> TriggerRequest {
        TriggerRequest(
            id: try result.requiredInt64(row, 0), job: try result.requiredString(row, 1),
            requestedBy: try result.requiredString(row, 2),
            requestedAt: try Date(epochMicroseconds: result.requiredInt64(row, 3)),
            seenBy: result.string(row, 4), claimedBy: result.string(row, 5), token: try result.int64(row, 6)
        )
    }
}
