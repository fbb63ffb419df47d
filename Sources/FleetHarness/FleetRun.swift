/// One run of a fleet job as its script recorded it: the ground truth the checks work on,
/// independent of what the schedulers logged.
public struct FleetRun: Sendable, Hashable, CustomStringConvertible {
    /// The job's full name (`JOBKIT_JOB`).
    public var job: String
    /// The tick the run was for, in milliseconds since the Unix epoch; 0 for a run without a
    /// tick (a triggered run).
    public var tickMS: Int64
    /// The lease's fencing token (`JOBKIT_LOCK_TOKEN`).
    public var token: Int64
    /// When the script started, in wall-clock nanoseconds since the Unix epoch.
    public var startNS: Int64
    /// When it ended; nil when no end was recorded (still running, or killed with SIGKILL).
    public var endNS: Int64?
    /// `ok` when the script finished its sleep, `term` when SIGTERM ended it; nil without an end.
    public var endReason: String?
    /// The script's pid, which is also the job's process group.
    public var pid: Int32

    /// Creates a run from its parts.
    public init(
        job: String, tickMS: Int64, token: Int64, startNS: Int64, endNS: Int64?, endReason: String?, pid: Int32
    ) {
        self.job = job
        self.tickMS = tickMS
        self.token = token
        self.startNS = startNS
        self.endNS = endNS
        self.endReason = endReason
        self.pid = pid
    }

    /// Reads the lines of a record file (see ``FleetRecordScript``) into runs, ordered by start.
    ///
    /// - Throws: ``FleetError`` for a line that is not a start or end record, or an end
    ///   without its start.
    public static func parse(_ text: String) throws(FleetError) -> [FleetRun] {
        var runs: [FleetRun] = []
        var open: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 7, parts[0] == "start" || parts[0] == "end",
                let tick = parts[2] == "-" ? 0 : FleetTime.milliseconds(fromTimestamp: parts[2]),
                let token = Int64(parts[3]), let microseconds = Int64(parts[4]), let pid = Int32(parts[5])
            else { throw FleetError("unreadable record line: \(line)") }
            let key = "\(parts[1]) \(token) \(pid)"
            if parts[0] == "start" {
                open[key] = runs.count
                runs.append(
                    FleetRun(
                        job: parts[1], tickMS: tick, token: token, startNS: microseconds * 1000, endNS: nil,
                        endReason: nil, pid: pid
                    )
                )
            } else {
                guard let index = open.removeValue(forKey: key) else {
                    throw FleetError("an end without its start: \(line)")
                }
                runs[index].endNS = microseconds * 1000
                runs[index].endReason = parts[6]
            }
        }
        return runs.sorted { ($0.startNS, $0.token) < ($1.startNS, $1.token) }
    }

    public var description: String {
        let end = endNS.map { "\(Double($0 - startNS) / 1e6) ms \(endReason ?? "")" } ?? "no end"
        return "\(job) tick \(FleetTime.timestamp(milliseconds: tickMS)) token \(token) pid \(pid): \(end)"
    }
}
