import Foundation

/// This process's resource usage at one instant, from `getrusage(RUSAGE_SELF)`.
struct ProcessUsage {
    /// User plus system CPU time, in seconds.
    var cpuSeconds: Double
    /// The largest resident set so far, in MiB (`ru_maxrss` is in KiB on Linux).
    var maxRSSMiB: Double
    /// CLOCK_MONOTONIC when it was taken, in nanoseconds.
    var monotonicNs: Int64

    static func now() -> ProcessUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return ProcessUsage(
            cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime),
            maxRSSMiB: Double(usage.ru_maxrss) / 1024,
            monotonicNs: monotonicNanoseconds()
        )
    }

    /// The CPU time used since `earlier`, as a fraction of one core over the wall time between them.
    func cpuFraction(since earlier: ProcessUsage) -> Double {
        let wall = Double(monotonicNs - earlier.monotonicNs) / 1e9
        return wall > 0 ? (cpuSeconds - earlier.cpuSeconds) / wall : 0
    }
}

extension ProcessUsage {
    /// The resident set now (not the peak), in KiB, from `/proc/self/statm`; 0 when unreadable.
    static func currentRSSKiB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }
}

