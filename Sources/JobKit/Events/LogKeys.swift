import Logging

/// The metadata keys of JobKit's log records: the one place they are spelled.
///
/// Keys carry a `jobkit.` prefix so they never clash with an application's own metadata;
/// the JSON and text handlers print them without it (`jobkit.lock_id` becomes `lock_id`).
/// Numbers and booleans travel as `.stringConvertible` so handlers can print them unquoted.
public enum LogKeys {
    /// The prefix every JobKit metadata key starts with.
    public static let prefix = "jobkit."

    /// The event name (``JobEvent``).
    public static let event = "jobkit.event"
    /// The job's name as the jobs file spells it.
    public static let job = "jobkit.job"
    /// The job's type name.
    public static let jobType = "jobkit.job_type"
    /// The lock id.
    public static let lockID = "jobkit.lock_id"
    /// A fencing token (number).
    public static let token = "jobkit.token"
    /// This process's owner string.
    public static let owner = "jobkit.owner"
    /// The owner string of the process that holds a lock.
    public static let holder = "jobkit.holder"
    /// The holder's fencing token (number).
    public static let holderToken = "jobkit.holder_token"
    /// When the holder acquired the lock (RFC 3339).
    public static let since = "jobkit.since"
    /// When the holder's TTL runs out (RFC 3339).
    public static let until = "jobkit.until"
    /// The scheduled time a run is for (RFC 3339).
    public static let tick = "jobkit.tick"
    /// The last tick claimed for a lock (RFC 3339).
    public static let lastTick = "jobkit.last_tick"
    /// How long something took, in milliseconds (number).
    public static let durationMS = "jobkit.duration_ms"
    /// A lock's TTL in seconds (number); absent for locks that never expire.
    public static let ttlSeconds = "jobkit.ttl_s"
    /// Why something happened: a short snake_case word such as `lock_held`.
    public static let reason = "jobkit.reason"
    /// An error's description.
    public static let error = "jobkit.error"
    /// Whether another holder took a lock over (boolean).
    public static let overlapped = "jobkit.overlapped"
    /// The owner a lock was taken over from.
    public static let previousOwner = "jobkit.previous_owner"
    /// The token a lock was taken over from (number).
    public static let previousToken = "jobkit.previous_token"
    /// When a lock's TTL ran out (RFC 3339).
    public static let expiredAt = "jobkit.expired_at"
    /// A store's description (never with a password).
    public static let store = "jobkit.store"
    /// How many jobs a scheduler runs (number).
    public static let jobs = "jobkit.jobs"
    /// How many ticks were missed (number).
    public static let missed = "jobkit.missed"
    /// The first of several missed ticks (RFC 3339).
    public static let firstTick = "jobkit.first_tick"

    /// Whether the holder that took a lock over has released it since (bool): on `lock.lost`
    /// and `job.overran`.
    public static let holderReleased = "jobkit.holder_released"
    /// When an operator force-released a lock while it was held (RFC 3339).
    public static let forceReleasedAt = "jobkit.force_released_at"

    /// The Swift type of a job from a jobs file, such as `MyApp.ReportJob`, next to `job_type`
    /// (the type name the jobs file uses).
    public static let swiftType = "jobkit.swift_type"

    /// How many jobs are running in this process (number).
    public static let running = "jobkit.running"

    /// Which output stream of a job a line came from: `stdout` or `stderr`.
    public static let stream = "jobkit.stream"
    /// One line a job wrote, without its line break.
    public static let line = "jobkit.line"
    /// How many earlier lines of a stream were not logged (number).
    public static let droppedLines = "jobkit.dropped_lines"

    /// Where `jobkit run --http` listens, as `host:port`.
    public static let address = "jobkit.address"
    /// Whether a store error is one no retry can fix (boolean), on `store.unavailable`.
    public static let permanent = "jobkit.permanent"
    /// What a person must fix when a store error is permanent, in a few words.
    public static let cause = "jobkit.cause"
    /// How far a fencing token was set ahead of the store's clock, in microseconds, on `store.clock_behind`.
    public static let aheadUS = "jobkit.ahead_us"

    /// The operator's note on a pause (`jobkit pause --reason`), on `job.skipped` with
    /// `reason` `paused`.
    public static let pauseReason = "jobkit.pause_reason"
    /// Who paused a job, on `job.skipped` with `reason` `paused`.
    public static let pausedBy = "jobkit.paused_by"
    /// When a job was paused (RFC 3339), on `job.skipped` with `reason` `paused`.
    public static let pausedAt = "jobkit.paused_at"
    /// The trigger request a manual run answers (number), on the events of that run.
    public static let trigger = "jobkit.trigger"
    /// Why a run happened (`scheduled`, `manual`), on `job.started`.
    public static let kind = "jobkit.kind"

    /// Every key above, in the order log handlers print them: who and what first, then when,
    /// then why. A new key goes here too, or handlers print it after the known ones.
    public static let printOrder: [String] = [
        job, jobType, swiftType, lockID, token, owner, holder, holderToken, holderReleased, since, until,
        tick, firstTick, lastTick, missed, durationMS, ttlSeconds,
        reason, pauseReason, pausedBy, pausedAt, trigger, kind, error, overlapped, previousOwner, previousToken, expiredAt, forceReleasedAt, store, jobs, running,
        stream, droppedLines, line,
        permanent, cause, address, aheadUS,
    ]
}
