/// One job every process of a fleet runs: a `shell` job that sleeps for ``run`` and records
/// its start and end (see ``FleetRecordScript``).
public struct FleetJob: Sendable, Hashable {
    /// The job's name without the fleet's prefix.
    public var name: String
    /// Its interval schedule (`every`). Whole milliseconds.
    public var interval: Duration
    /// How long each run takes (the script sleeps that long); zero for a run of a few
    /// milliseconds (the script's own cost).
    public var run: Duration
    /// Its TTL; nil leaves the jobs file's default (30 minutes).
    public var ttl: Duration?
    /// Its grace period; nil leaves the default (10 s).
    public var grace: Duration?
    /// Its `spread`; nil for none.
    public var spread: Duration?
    /// Its `overlap` policy (`skip`, `queue_one`); nil leaves the default.
    public var overlap: String?

    /// Creates a job.
    public init(
        name: String, interval: Duration, run: Duration, ttl: Duration? = nil, grace: Duration? = nil,
        spread: Duration? = nil, overlap: String? = nil
    ) {
        self.spread = spread
        self.overlap = overlap
        self.name = name
        self.interval = interval
        self.run = run
        self.ttl = ttl
        self.grace = grace
    }

    /// The interval in whole milliseconds.
    public var intervalMS: Int64 { Self.milliseconds(interval) }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// A duration as the jobs file's number of seconds.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = Self.milliseconds(duration)
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)" : "\(Double(milliseconds) / 1000)"
    }
}
