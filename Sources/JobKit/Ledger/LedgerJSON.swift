import Foundation

// The JSON of `jobkit status --json` and `jobkit history --json`. The keys are a contract
// (the README lists them): add keys, never rename or remove one. Times are UTC timestamps
// with milliseconds, like the events' `ts`; absent values are `null`, never left out.

extension RunRecord: Encodable {
    private enum Key: String, CodingKey {
        case job, jobType = "job_type", lockID = "lock_id", tick, token, owner, startedAt = "started_at"
        case endedAt = "ended_at", outcome, durationMS = "duration_ms", overlapped, error, kind
    }

    /// Encodes the run with the keys of `jobkit history --json`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(job, forKey: .job)
        try container.encode(jobType, forKey: .jobType)
        try container.encode(lockID, forKey: .lockID)
        try container.encode(tick?.jobKitTimestamp, forKey: .tick)
        try container.encode(token, forKey: .token)
        try container.encode(owner, forKey: .owner)
        try container.encode(startedAt.jobKitTimestamp, forKey: .startedAt)
        try container.encode(endedAt?.jobKitTimestamp, forKey: .endedAt)
        try container.encode(outcome.name, forKey: .outcome)
        try container.encode(durationMilliseconds, forKey: .durationMS)
        try container.encode(overlapped, forKey: .overlapped)
        try container.encode(error, forKey: .error)
        try container.encode(kind.name, forKey: .kind)
    }
}

extension JobStatus: Encodable {
    private enum Key: String, CodingKey {
        case name, type, schedule, lockID = "lock_id", enabled, nextTicks = "next_ticks", lastRun = "last_run"
        case lastSuccessAt = "last_success_at", consecutiveFailures = "consecutive_failures", running, paused
    }

    private enum PauseKey: String, CodingKey {
        case by, at, reason
    }

    private enum HolderKey: String, CodingKey {
        case owner, token, since, until
    }

    /// Encodes the job with the keys of `jobkit status --json`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(schedule, forKey: .schedule)
        try container.encode(lockID, forKey: .lockID)
        try container.encode(isEnabled, forKey: .enabled)
        try container.encode(nextTicks.map(\.jobKitTimestamp), forKey: .nextTicks)
        try container.encode(lastRun, forKey: .lastRun)
        try container.encode(lastSuccessAt?.jobKitTimestamp, forKey: .lastSuccessAt)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        if let running {
            var holder = container.nestedContainer(keyedBy: HolderKey.self, forKey: .running)
            try holder.encode(running.owner, forKey: .owner)
            try holder.encode(running.token, forKey: .token)
            try holder.encode(running.since.jobKitTimestamp, forKey: .since)
            try holder.encode(running.until?.jobKitTimestamp, forKey: .until)
        } else {
            try container.encodeNil(forKey: .running)
        }
        if let pause {
            var paused = container.nestedContainer(keyedBy: PauseKey.self, forKey: .paused)
            try paused.encode(pause.pausedBy, forKey: .by)
            try paused.encode(pause.pausedAt.jobKitTimestamp, forKey: .at)
            try paused.encode(pause.reason, forKey: .reason)
        } else {
            try container.encodeNil(forKey: .paused)
        }
    }
}

extension JobStatusReport: Encodable {
    private enum Key: String, CodingKey {
        case generatedAt = "generated_at", jobs
    }

    /// Encodes `{"generated_at": …, "jobs": [...]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(generatedAt.jobKitTimestamp, forKey: .generatedAt)
        try container.encode(jobs, forKey: .jobs)
    }
}
