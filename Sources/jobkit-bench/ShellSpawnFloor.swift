import FleetHarness
import Foundation

/// The floor under `burst --shell`'s start lateness on this machine, measured in the same run:
/// as many runs of the fleet's record script (`bash SCRIPT RECORD-FILE 0`) as the fleet starts
/// on one tick, started by `processes` instances of `xargs -P 0` (each starts its share of the
/// runs at once: a `fork` and an `exec` from a small process per run), all at one instant, with
/// no scheduler, no database and no claim. What starting a run costs the machine (fork, exec,
/// bash starting up, the record written) is in
/// it; what JobKit adds is the difference.
enum ShellSpawnFloor {
    /// Start lateness (ms) of each run: its recorded start minus the instant the loops were
    /// started.
    static func measure(runs: Int, processes: Int) throws -> Percentiles {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobkit-bench-floor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent(FleetRecordScript.fileName).path
        let record = directory.appendingPathComponent(FleetRecordScript.recordFileName).path
        try Data(FleetRecordScript.text.utf8).write(to: URL(fileURLWithPath: script))

        // xargs p starts `share` runs; the first `runs % processes` one more. xargs appends a
        // number to each command line, which the script ignores.
        let loops = #"""
            script=$1 record=$2 runs=$3 processes=$4
            for ((p = 0; p < processes; p++)); do
              share=$((runs / processes + (p < runs % processes ? 1 : 0)))
              seq "$share" | JOBKIT_JOB=floor-$p JOBKIT_LOCK_TOKEN=0 xargs -P 0 -n 1 bash "$script" "$record" 0 &
            done
            wait
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", loops, "floor", script, record, String(runs), String(processes)]
        let startedNS = Int64(Date().timeIntervalSince1970 * 1e9)
        try process.run()
        process.waitUntilExit()
        let recorded = try FleetRun.parse(String(decoding: Data(contentsOf: URL(fileURLWithPath: record)), as: UTF8.self))
        return Percentiles(recorded.map { Double($0.startNS - startedNS) / 1e6 })
    }
}
