import ArgumentParser
import Foundation
import JobKit

/// How long loading a jobs file takes as the file grows, for hostile shapes (a problem every
/// two bytes on one line, a megabyte-long time zone name, thousands of misspelt zones) and a
/// valid file: the time per megabyte should stay flat, since loading is linear in the size.
struct JobsFileBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs-file",
        abstract: "Jobs-file load time per MB from 100 KB to 5 MB, for hostile and valid files.",
        discussion: """
            Each file is generated in memory and loaded with JobsFileLoader --repeats times; the \
            table shows the fastest load, in ms per MB of file. A flat row means linear time.
            """
    )

    @Option(help: "Write the figures as one JSON object to this file.")
    var json: String?

    @Option(help: "How many times to load each file; the fastest counts.")
    var repeats: Int = 3

    @Option(help: "The file sizes, in KB, comma-separated.")
    var sizesKB: String = "100,250,500,1000,2000,5000"

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1.") }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 && $0 <= 100_000 }) else {
            throw ValidationError("--sizes-kb must list sizes from 1 to 100000, such as 100,1000,5000.")
        }
    }

    private var sizes: [Int] { sizesKB.split(separator: ",").compactMap { Int($0) } }

    func run() throws {
        let loader = JobsFileLoader(catalog: BenchJobTypeCatalog())
        var rows: [(key: String, label: String, value: Any?)] = []
        var notes: [String] = []
        for shape in HostileJobsFile.allCases {
            var perMB: [String] = []
            for kilobytes in sizes {
                let data = shape.text(bytes: kilobytes * 1000)
                var fastest = Double.infinity
                var outcome = ""
                for _ in 0..<repeats {
                    let start = ContinuousClock.now
                    do {
                        let file = try loader.load(data, file: "jobs.json")
                        outcome = "\(file.jobs.count) jobs"
                    } catch {
                        outcome = "\(error.problems.count) problems listed, \(error.omittedProblemCount) more counted"
                    }
                    let elapsed = ContinuousClock.now - start
                    fastest = min(fastest, Double(elapsed.components.attoseconds) / 1e15
                        + Double(elapsed.components.seconds) * 1000)
                }
                let megabytes = Double(data.count) / 1_000_000
                let msPerMB = fastest / megabytes
                rows.append((
                    "\(shape.rawValue)_\(kilobytes)kb_ms_per_mb",
                    "\(shape.rawValue), \(kilobytes) KB: ms per MB",
                    Fixed(value: msPerMB, decimals: 1)
                ))
                perMB.append(String(format: "%.1f", msPerMB))
                if kilobytes == sizes.last {
                    notes.append("\(shape.rawValue): \(outcome) at \(kilobytes) KB; ms per MB by size: "
                        + perMB.joined(separator: ", ") + ".")
                }
            }
        }
        notes.append("Machine: \(machineLoad()).")
        let report = BenchReport(
            title: "jobkit-bench jobs-file (fastest of \(repeats) loads, sizes \(sizesKB) KB)",
            rows: rows,
            notes: notes
        )
        report.printTable()
        try report.write(toJSON: json)
    }
}
