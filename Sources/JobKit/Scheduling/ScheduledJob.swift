import Foundation

/// One job as the ``Scheduler`` runs it: a job value and when and how to fire it.
public struct ScheduledJob: Sendable {
    /// The job's name (unique in a scheduler); it names the job in every event.
    public var name: String
    /// When it fires.
    public var schedule: Schedule
    /// The lock it runs under; by default its name, so two jobs of one type never share a lock.
    public var lockID: String
    /// Its TTL.
    public var ttl: LockTTL
    /// Up to how long after its tick a fire may be delayed at random (the tick's identity does
    /// not change), to spread load when many jobs share a tick.
    public var jitter: Duration
    /// Moves the job's grid of ticks by a stable offset in `[0, spread)` computed from its
    /// name (``SpreadOffset``): unlike ``jitter``, the moved instant is the tick's identity.
    /// Zero for none; for an interval schedule keep it shorter than the interval.
    public var spread: Duration
    /// What a tick does when it finds the job still running, here or on another machine.
    public var overlap: OverlapPolicy
    /// How late a tick may still run (after a pause or a sleep); older ticks are reported as
    /// `job.misfired` instead.
    public var grace: Duration
    /// Whether the most recent tick runs at start when it is within ``grace``.
    public var catchUp: CatchUp
    /// The job itself.
    public var job: any NonOverlappingJob
    /// The `job_type` of its events: the type name its jobs file uses (`shell`, `report`);
    /// `nil` for the job value's own ``NonOverlappingJob/instanceJobTypeName``.
    public var jobType: String?

    /// Creates a scheduled job.
    public init(
        name: String, schedule: Schedule, lockID: String? = nil, ttl: LockTTL = .default,
        jitter: Duration = .zero, grace: Duration = .seconds(10), catchUp: CatchUp = .latest, job: any NonOverlappingJob,
        jobType: String? = nil, spread: Duration = .zero, overlap: OverlapPolicy = .skip
    ) {
        self.overlap = overlap
        self.spread = spread
        self.catchUp = catchUp
        self.name = name
        self.schedule = schedule
        self.lockID = lockID ?? name
        self.ttl = ttl
        self.jitter = jitter
        self.grace = grace
        self.job = job
        self.jobType = jobType
    }

    /// How much later than its schedule's grid every tick of this job lies:
    /// ``SpreadOffset/offset(forJob:spread:)`` of its ``name`` and ``spread``.
    public var tickOffset: Duration { SpreadOffset.offset(forJob: name, spread: spread) }

    /// The job's ticks: its schedule moved by ``tickOffset``.
    var ticks: ShiftedSchedule { ShiftedSchedule(schedule, offset: tickOffset) }

    /// The lock that makes one waiter across the fleet for ``OverlapPolicy/queueOne``:
    /// `queue:` and the job's lock id (or, for a lock id too long for that, `queue:` and the
    /// FNV-1a 64 of the lock id in hexadecimal).
    public var queueLockID: String {
        let id = "queue:" + lockID
        return id.utf8.count <= 255 && id.count <= 255 ? id : "queue:" + String(SpreadOffset.fnv1a64(lockID), radix: 16)
    }
}
