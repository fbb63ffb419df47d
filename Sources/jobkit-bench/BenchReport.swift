import Foundation

/// One benchmark's figures: printed as a Markdown table, and written as JSON on request.
/// JSON keys are stable; new ones may be added.
struct BenchReport {
    var title: String
    /// (JSON key, label in the table, value); nil values print as "n/a" and JSON null.
    var rows: [(key: String, label: String, value: Any?)]
    var notes: [String] = []

    func printTable() {
        print("## \(title)\n")
        print("| figure | value |")
        print("| --- | --- |")
        for row in rows {
            print("| \(row.label) | \(Self.format(row.value)) |")
        }
        for note in notes { print("\n\(note)") }
        print("")
    }

    func write(toJSON path: String?) throws {
        guard let path else { return }
        var object: [String: Any] = [:]
        for row in rows { object[row.key] = (row.value as? Fixed)?.rounded ?? row.value ?? NSNull() }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }

    private static func format(_ value: Any?) -> String {
        switch value {
        case nil: return "n/a"
        case let double as Double: return String(format: double < 10 ? "%.3f" : "%.0f", double)
        default: return "\(value!)"
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds: one time line for every process of the machine.
func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// Runs `body` `count` times and returns the rate per second.
func rate(_ count: Int, _ body: () throws -> Void) rethrows -> Double {
    let start = monotonicNanoseconds()
    for _ in 0..<count { try body() }
    let elapsed = Double(monotonicNanoseconds() - start) / 1e9
    return Double(count) / elapsed
}
