import Foundation

/// One job of a jobs file, with every default applied: what to run, when, and under which
/// lock.
///
/// ``JobsFileLoader`` makes these from a file and has checked every rule below; code that
/// builds definitions itself should keep the same rules.
public struct JobDefinition: Sendable, Hashable {
    /// The grace period of a job that does not set one: 10 seconds.
    public static let defaultGrace: Duration = .seconds(10)

    /// The job's name: unique in its file, and its lock id unless ``lockID`` says otherwise.
    public var name: String
    /// The job type to run, one of the catalog's ``JobTypeCatalog/typeNames``.
    public var type: String
    /// When the job fires.
    public var schedule: Schedule
    /// How long the job's lock lives.
    public var ttl: LockTTL
    /// The id of the job's lock: its name, or the file's `lock`. No two jobs of a file share
    /// one, because a lock remembers the last tick it ran.
    public var lockID: String
    /// The most a run starts after its tick, at random, to spread a fleet's load; zero for
    /// none. For an interval schedule it is shorter than the interval.
    public var jitter: Duration
    /// Moves the job's grid of ticks by a stable offset in `[0, spread)` computed from its name
    /// (see ``SpreadOffset``); zero for none. For an interval schedule it is shorter than the
    /// interval.
    public var spread: Duration
    /// What a tick does when it finds the job still running (`overlap`); ``OverlapPolicy/skip``
    /// by default.
    public var overlap: OverlapPolicy
    /// How late a tick may still run (see ``TickPlanner``); at least 1 second.
    public var grace: Duration
    /// The job's `parameters` object as compact JSON, keys in file order, or nil when it has
    /// none. The job type decodes it.
    public var parameters: Data?
    /// Whether the scheduler runs the job. A disabled job is still checked in full, so
    /// enabling it later cannot reveal a mistake.
    public var isEnabled: Bool
    /// Whether the most recent tick runs at start when it is within grace (`catchup`).
    public var catchUp: CatchUp

    /// Creates a definition.
    ///
    /// - Parameters:
    ///   - name: The job's name.
    ///   - type: The job type.
    ///   - schedule: When the job fires.
    ///   - ttl: The lock's time to live; ``LockTTL/default`` when omitted.
    ///   - lockID: The lock id; the name when omitted.
    ///   - jitter: The most a run starts late on purpose; none when omitted.
    ///   - grace: How late a tick may still run; ``defaultGrace`` when omitted.
    ///   - parameters: The job's parameters as a JSON object, or nil.
    ///   - isEnabled: Whether the scheduler runs the job.
    ///   - catchUp: What the scheduler does at start about a recent tick; ``CatchUp/latest`` when omitted.
    ///   - spread: The spread of its grid of ticks; none when omitted.
    ///   - overlap: What a tick does when the job is still running; ``OverlapPolicy/skip`` when omitted.
    public init(
        name: String,
        type: String,
        schedule: Schedule,
        ttl: LockTTL = .default,
        lockID: String? = nil,
        jitter: Duration = .zero,
        grace: Duration = JobDefinition.defaultGrace,
        parameters: Data? = nil,
        isEnabled: Bool = true,
        catchUp: CatchUp = .latest,
        spread: Duration = .zero,
        overlap: OverlapPolicy = .skip
    ) {
        self.overlap = overlap
        self.spread = spread
        self.catchUp = catchUp
        self.name = name
        self.type = type
        self.schedule = schedule
        self.ttl = ttl
        self.lockID = lockID ?? name
        self.jitter = jitter
        self.grace = grace
        self.parameters = parameters
        self.isEnabled = isEnabled
    }

    /// How much later than its schedule's grid every tick of this job lies:
    /// ``SpreadOffset/offset(forJob:spread:)`` of its ``name`` and ``spread``.
    public var tickOffset: Duration { SpreadOffset.offset(forJob: name, spread: spread) }
}
