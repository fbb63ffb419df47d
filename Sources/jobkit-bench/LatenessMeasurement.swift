import Foundation
import JobKit

/// The first figure of `jobkit-bench schedule`: one job on a short interval through the real
/// ``Scheduler``, the real `DispatchWallClock` (wrapped in a ``RecordingClock``) and an
/// `InMemoryLockStore`, for a fixed number of ticks.
struct LatenessMeasurement {
    var ticks: Int
    var intervalMs: Int64

    struct Result {
        /// `wake − deadline` of every timer whose deadline is a tick of the window, in ms.
        var timer: Percentiles
        /// `worker start − tick` of every run for a tick of the window, in ms.
        var start: Percentiles
        /// The largest distance of any tick the job saw from the interval grid, in ms.
        var driftMs: Double
        /// Ticks of the window that ran at least once.
        var ran: Int
        /// Runs beyond the first for a tick of the window.
        var duplicated: Int
        /// Ticks of the window reported as `job.skipped` and not run.
        var skipped: Int
        /// Ticks of the window reported as `job.misfired` and not run.
        var misfired: Int
        /// Ticks of the window that neither ran nor were reported (coalesced, or lost).
        var missed: Int
        /// Runs for ticks that are not ticks of the window (before it, after it, or off the grid).
        var outside: Int
        var shutdownSeconds: Double
        var problems: [String]
    }

    func measure() async throws -> Result {
        let tally = EventTally()
        let clock = RecordingClock()
        let log = TickLog()
        let mutex = DBMutex(store: InMemoryLockStore(), owner: "jobkit-bench", ttl: .seconds(60), logger: tally.logger)
        let job = ScheduledJob(
            name: "bench-every-\(intervalMs)ms", schedule: .every(.milliseconds(intervalMs)), catchUp: .none,
            job: TickRecorderJob(log: log)
        )
        let scheduler = try Scheduler(jobs: [job], mutex: mutex, clock: clock)
        let intervalMs = self.intervalMs
        let ticks = self.ticks

        let (grid, shutdownSeconds) = try await withRunningScheduler(scheduler) {
            // The scheduler's first sleep is for the job's first tick: the window starts there.
            try await waitUntil("the scheduler's first timer", timeout: .seconds(10)) { clock.firstDeadline != nil }
            let grid = TickGrid(first: clock.firstDeadline!, intervalMs: intervalMs, count: ticks)
            let last = grid.last
            let margin = max(0.1, Double(intervalMs) * 5 / 1000)
            try await Task.sleep(for: .seconds(max(0, last.timeIntervalSinceNow + margin)))
            // Give a late last run a little longer, without waiting for ever.
            let seenLast = { log.latestTick.map { $0 >= last } ?? false }
            try? await waitUntil("the last tick", timeout: .seconds(2), seenLast)
            return grid
        }
        return analyse(grid: grid, clock: clock, log: log, tally: tally, shutdownSeconds: shutdownSeconds)
    }

    private func analyse(
        grid: TickGrid, clock: RecordingClock, log: TickLog, tally: EventTally, shutdownSeconds: Double
    ) -> Result {
        let timer = clock.wakes.filter { grid.index(of: $0.deadline) != nil }.map(\.latenessMs)

        var runs = [Int](repeating: 0, count: grid.count)
        var start: [Double] = []
        var drift = 0.0
        var outside = 0
        for entry in log.all {
            drift = max(drift, TickGrid.offGridMilliseconds(entry.tick, intervalMs: intervalMs))
            guard let index = grid.index(of: entry.tick) else {
                outside += 1
                continue
            }
            runs[index] += 1
            start.append(entry.latenessMs)
        }

        var reported = Set<Int>()
        var skipped = 0
        let window = Int64(0)...Int64(grid.count - 1)
        for text in tally.skippedTicks {
            guard let position = grid.position(ofPrinted: text), window.contains(position) else { continue }
            let index = Int(position)
            if runs[index] == 0, reported.insert(index).inserted { skipped += 1 }
        }
        var misfired = 0
        for misfire in tally.misfires {
            // A report reaching outside the window counts for the part inside it.
            guard let first = grid.position(ofPrinted: misfire.first), let last = grid.position(ofPrinted: misfire.last),
                first <= last, first <= window.upperBound, last >= window.lowerBound
            else { continue }
            for index in Int(max(first, 0))...Int(min(last, window.upperBound))
            where runs[index] == 0 && reported.insert(index).inserted {
                misfired += 1
            }
        }

        let ran = runs.filter { $0 > 0 }.count
        return Result(
            timer: Percentiles(timer),
            start: Percentiles(start),
            driftMs: drift,
            ran: ran,
            duplicated: runs.reduce(0) { $0 + max(0, $1 - 1) },
            skipped: skipped,
            misfired: misfired,
            missed: grid.count - ran - reported.count,
            outside: outside,
            shutdownSeconds: shutdownSeconds,
            problems: tally.problems
        )
    }
}
