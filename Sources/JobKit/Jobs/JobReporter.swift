import Foundation
import Logging

/// Writes the events of one job run, with the fields the README promises for each.
///
/// Its logger carries `job` and `job_type` (and `swift_type` for jobs from a jobs file) as metadata; every event adds `lock_id`, and
/// `token`, `tick` and `ttl_s` when known.
struct JobReporter: Sendable {
    let logger: Logger
    let jobName: String
    let lockID: String
    let tick: Date?

    /// `logger` with `job` and `job_type` attached, and `swift_type` when given.
    init(logger: Logger, jobName: String, jobTypeName: String, swiftTypeName: String? = nil, lockID: String, tick: Date?) {
        var logger = logger
        logger[metadataKey: LogKeys.job] = .string(jobName)
        logger[metadataKey: LogKeys.jobType] = .string(jobTypeName)
        if let swiftTypeName { logger[metadataKey: LogKeys.swiftType] = .string(swiftTypeName) }
        self.logger = logger
        self.jobName = jobName
        self.lockID = lockID
        self.tick = tick
    }

    /// The logger handed to the worker: the run's logger with `lock_id`, `token` and `tick`.
    func workerLogger(for lease: Lease) -> Logger {
        var logger = self.logger
        for (key, value) in baseFields() { logger[metadataKey: key] = value }
        logger[metadataKey: LogKeys.token] = .number(lease.token)
        return logger
    }

    func started(_ lease: Lease) {
        var fields = fields(lease)
        fields[LogKeys.owner] = .string(lease.owner)
        logger.jobEvent(.jobStarted, level: .info, "Job \"\(jobName)\" started with lock \"\(lockID)\" (token \(lease.token)).", taking: &fields)
    }

    func succeeded(_ lease: Lease, after duration: Duration) {
        var fields = fields(lease)
        fields[LogKeys.durationMS] = .number(duration.jobKitMilliseconds)
        logger.jobEvent(.jobSucceeded, level: .info, "Job \"\(jobName)\" succeeded in \(duration.jobKitMilliseconds) ms.", taking: &fields)
    }

    /// `lease` and `duration` are `nil` when the job failed before its worker started.
    func failed(_ error: any Error, lease: Lease?, after duration: Duration?) {
        var fields = lease.map(fields) ?? baseFields()
        fields[LogKeys.error] = .string("\(error)")
        if let duration { fields[LogKeys.durationMS] = .number(duration.jobKitMilliseconds) }
        logger.jobEvent(.jobFailed, level: .error, "Job \"\(jobName)\" failed: \(error)", fields)
    }

    func skipped(_ reason: JobOutcome.SkipReason) {
        var fields = baseFields()
        fields[LogKeys.reason] = .string(reason.name)
        if let holder = reason.holder { fields.addHolderFields(holder) }
        if let (tick, lastTick) = reason.alreadyRan {
            fields[LogKeys.tick] = .date(tick)
            fields[LogKeys.lastTick] = .date(lastTick)
        }
        if let tick = reason.stillRunningTick { fields[LogKeys.tick] = .date(tick) }
        if let pause = reason.pause {
            fields[LogKeys.pausedBy] = .string(pause.pausedBy)
            fields[LogKeys.pausedAt] = .date(pause.pausedAt)
            if let note = pause.reason { fields[LogKeys.pauseReason] = .string(note) }
        }
        logger.jobEvent(.jobSkipped, level: .info, "Job \"\(jobName)\" skipped: \(reason)", taking: &fields)
    }

    func overran(_ timeout: DBMutexTimeoutError, lease: Lease, after duration: Duration) {
        var fields = fields(lease)
        fields[LogKeys.durationMS] = .number(duration.jobKitMilliseconds)
        fields.merge(.timeoutFields(timeout)) { _, new in new }
        logger.jobEvent(.jobOverran, level: .error, "Job \"\(jobName)\" overran: \(timeout)", fields)
    }

    /// `lock_id` and `tick`, in a dictionary with room for an event's other fields (so adding
    /// them does not grow it).
    private func baseFields() -> Logger.Metadata {
        var fields = Logger.Metadata(minimumCapacity: 12)
        fields[LogKeys.lockID] = .string(lockID)
        if let tick { fields[LogKeys.tick] = .date(tick) }
        return fields
    }

    private func fields(_ lease: Lease) -> Logger.Metadata {
        var fields = baseFields()
        fields[LogKeys.token] = .number(lease.token)
        if let ttl = lease.ttl { fields[LogKeys.ttlSeconds] = .seconds(ttl) }
        return fields
    }
}
