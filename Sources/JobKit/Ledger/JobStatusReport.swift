import Foundation

/// What `jobkit status` shows (and what an HTTP `/api/status` can serve): every job of a jobs
/// file with its schedule, next ticks, last run, last success, failures in a row, and who runs
/// it now, read from a store's run ledger and lock rows.
///
/// Reading it writes nothing: open the store with ``LockStoreURL/makeStore(_:opening:)`` and
/// ``LockStoreOpening/existingOnly``.
public struct JobStatusReport: Sendable, Hashable {
    /// When the report was made, on this machine's clock (next ticks are after it).
    public var generatedAt: Date
    /// The jobs, in the jobs file's order.
    public var jobs: [JobStatus]

    /// Creates a report.
    public init(generatedAt: Date, jobs: [JobStatus]) {
        self.generatedAt = generatedAt
        self.jobs = jobs
    }

    /// How many ledger rows per job the report reads to find the last success: the default
    /// retention, so the answer is exact for it.
    public static let runsRead = RunRetention.default.runsPerJob

    /// Reads the status of `jobs` from `store`.
    ///
    /// One query for the lock rows, one for the paused jobs, and one per job for its newest runs.
    ///
    /// - Parameters:
    ///   - jobs: the jobs, as a jobs file defines them.
    ///   - store: where their locks and runs are.
    ///   - now: the time next ticks are counted from.
    ///   - nextTickCount: how many next ticks to list.
    /// - Throws: the store's error (``SchemaVersionError`` for a schema without a ledger).
    public static func read(
        _ jobs: [JobDefinition], from store: any LockStore, at now: Date = Date(), nextTickCount: Int = 3
    ) throws -> JobStatusReport {
        let locks = Dictionary(try store.locks().map { ($0.lockID, $0) }, uniquingKeysWith: { first, _ in first })
        var pauses: [String: JobPause] = [:]
        do {
            pauses = Dictionary(try store.pauses().map { ($0.job, $0) }, uniquingKeysWith: { first, _ in first })
        } catch is ControlsUnavailableError {
            // A store without controls has no paused jobs.
        }
        let statuses = try jobs.map { job in
            let runs = try store.runs(of: job.name, limit: runsRead)
            let (lastSuccessAt, failures) = JobStatus.successAndFailures(in: runs)
            let lock = locks[job.lockID]
            return JobStatus(
                name: job.name, type: job.type, schedule: job.schedule.description, lockID: job.lockID,
                isEnabled: job.isEnabled, nextTicks: nextTicks(of: ShiftedSchedule(job.schedule, offset: job.tickOffset), after: now, count: nextTickCount),
                lastRun: runs.first, lastSuccessAt: lastSuccessAt, consecutiveFailures: failures,
                running: lock?.status == .held ? lock?.holder : nil, pause: pauses[job.name]
            )
        }
        return JobStatusReport(generatedAt: now, jobs: statuses)
    }

    /// ``read(_:from:at:nextTickCount:)`` on a Dispatch thread, off Swift's cooperative
    /// pool (the store's calls block).
    public static func read(
        _ jobs: [JobDefinition], from store: any LockStore, at now: Date = Date(), nextTickCount: Int = 3
    ) async throws -> JobStatusReport {
        try await BlockingQueue.run { try read(jobs, from: store, at: now, nextTickCount: nextTickCount) }
    }

    static func nextTicks(of schedule: ShiftedSchedule, after now: Date, count: Int) -> [Date] {
        var ticks: [Date] = []
        var after = now
        while ticks.count < count, let next = schedule.nextTick(after: after) {
            ticks.append(next)
            after = next
        }
        return ticks
    }
}
