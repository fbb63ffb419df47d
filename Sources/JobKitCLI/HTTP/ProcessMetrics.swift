import Foundation

/// The standard Prometheus process metrics (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`, …), read from `/proc/self` at each scrape. Empty where
/// there is no `/proc` (macOS).
enum ProcessMetrics {
    /// The metrics in the Prometheus text format, or `""`.
    static func text() -> String {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return "" }
        // Fields after "pid (comm)": state is field 3; utime 14, stime 15, starttime 22,
        // vsize 23, rss 24 (in pages).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double { Double(fields[number - 3]) ?? 0 }
        guard fields.count >= 22 else { return "" }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        let bootTime = Self.bootTime()
        let openFDs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        var lines: [String] = []
        func add(_ name: String, _ type: String, _ help: String, _ value: Double) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            lines.append("\(name) \(value)")
        }
        add("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", (field(14) + field(15)) / ticks)
        add("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", field(24) * pageSize)
        add("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", field(23))
        add("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.", bootTime + field(22) / ticks)
        add("process_open_fds", "gauge", "Number of open file descriptors.", Double(max(0, openFDs - 1)))
        return lines.joined(separator: "\n") + "\n"
    }

    /// When the machine booted, in seconds since the Unix epoch (`btime` in `/proc/stat`).
    private static func bootTime() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return 0 }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }
}
