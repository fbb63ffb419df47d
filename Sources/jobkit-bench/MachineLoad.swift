import Foundation

/// The 1-, 5- and 15-minute load averages and the number of online cores, as one line for a
/// report's notes: timing figures mean little without knowing what else the machine ran.
func machineLoad() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    let averages = text.split(separator: " ").prefix(3).joined(separator: " ")
    let cores = ProcessInfo.processInfo.activeProcessorCount
    return averages.isEmpty ? "unknown load on \(cores) cores" : "load average \(averages) on \(cores) cores"
}
