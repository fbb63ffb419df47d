import ArgumentParser
import Foundation
import JobKit
import JobKitCLI
#if canImport(Glibc)
import Glibc
#endif

/// The second figure of `jobkit-bench schedule`: a scheduler holding many jobs whose schedules
/// do not fire during the window; what the process costs while it waits.
struct IdleMeasurement {
    var jobs: Int
    var idleSeconds: Double
    /// Whether `jobkit run --http`'s server runs beside the scheduler (on a port of the
    /// system's choosing, with swift-prometheus bootstrapped by the caller).
    var http = false
    /// Whether each job first runs once, at start (a catch-up of its latest tick), and only then
    /// waits: what a job that has fired before costs while it waits for its next tick.
    var firedOnce = false

    struct Result {
        /// User + system CPU time during the window, as a fraction of one core.
        var cpuFraction: Double
        /// CPU seconds used during the window.
        var cpuSeconds: Double
        /// `ru_maxrss` at the end of the window, in MiB.
        var rssMiB: Double
        /// How much the resident set grew from before the jobs were built to the end of the
        /// window, per job, in KiB.
        var rssPerJobKiB: Double
        /// From starting the scheduler until every job had armed its timer, in seconds.
        var startupSeconds: Double
        /// CPU seconds the start-up took.
        var startupCPUSeconds: Double
        var shutdownSeconds: Double
        /// The schedule every job had.
        var schedule: Schedule
        var problems: [String]
    }

    func measure() async throws -> Result {
        let rssBefore = ProcessUsage.currentRSSKiB()
        let schedule = try Self.quietSchedule(for: .seconds(idleSeconds + 600))
        let tally = EventTally()
        let clock = RecordingClock()
        let mutex = DBMutex(store: InMemoryLockStore(), owner: "jobkit-bench", ttl: .seconds(60), logger: tally.logger)
        // A grace longer than a year makes the latest tick of the yearly schedule run at start.
        let grace: Duration = firedOnce ? .seconds(400 * 86_400) : .seconds(10)
        let scheduledJobs = (0..<jobs).map {
            ScheduledJob(name: "bench-idle-\($0)", schedule: schedule, grace: grace, job: IdleJob())
        }
        let scheduler = try Scheduler(jobs: scheduledJobs, mutex: mutex, clock: clock)
        let jobs = self.jobs
        let firedOnce = self.firedOnce
        let idleSeconds = self.idleSeconds

        let beforeStart = ProcessUsage.now()
        let server = MonitoringServer(port: 0, scheduler: scheduler, jobs: [], store: mutex.store, logger: tally.logger)
        let (figures, shutdownSeconds) = try await withRunningScheduler(scheduler, alongside: http ? [server.service()] : []) {
            try await waitUntil("every job's first timer", timeout: .seconds(300), interval: .milliseconds(20)) {
                clock.sleepsStarted >= jobs && (!firedOnce || tally.count(.jobSucceeded) >= jobs)
            }
            let started = ProcessUsage.now()
            // Let the start-up's stragglers (task teardown, freed memory) settle before measuring.
            try await Task.sleep(for: .seconds(1))
            // The runs' memory is freed but stays resident in malloc's arenas: give it back, so the
            // figure counts what the jobs keep, not the peak of thousands of simultaneous runs.
            if firedOnce { Self.returnFreedMemory() }
            let before = ProcessUsage.now()
            try await Task.sleep(for: .seconds(idleSeconds))
            let after = ProcessUsage.now()
            let rssAfter = ProcessUsage.currentRSSKiB()
            return (
                rssPerJobKiB: (rssAfter - rssBefore) / Double(jobs),
                cpuFraction: after.cpuFraction(since: before), cpuSeconds: after.cpuSeconds - before.cpuSeconds,
                rssMiB: after.maxRSSMiB,
                startupSeconds: Double(started.monotonicNs - beforeStart.monotonicNs) / 1e9,
                startupCPUSeconds: started.cpuSeconds - beforeStart.cpuSeconds
            )
        }
        let fired = clock.wakes.count
        var problems = tally.problems
        if fired > 0 { problems.append("\(fired) timer(s) fired during the idle run; the figures include them.") }
        return Result(
            cpuFraction: figures.cpuFraction, cpuSeconds: figures.cpuSeconds, rssMiB: figures.rssMiB,
            rssPerJobKiB: figures.rssPerJobKiB,
            startupSeconds: figures.startupSeconds, startupCPUSeconds: figures.startupCPUSeconds,
            shutdownSeconds: shutdownSeconds, schedule: schedule, problems: problems
        )
    }

    /// A yearly cron schedule (in UTC) whose next tick is more than `quiet` away: 1 January or,
    /// when that is too close, 1 July.
    static func quietSchedule(for quiet: Duration) throws -> Schedule {
        let now = Date()
        let candidates = try ["0 0 1 1 *", "0 0 1 7 *"].map {
            Schedule.cron(try CronExpression($0), TimeZone(identifier: "UTC")!)
        }
        for schedule in candidates {
            if let next = schedule.nextTick(after: now), next.timeIntervalSince(now) > Double(quiet.components.seconds) {
                return schedule
            }
        }
        throw ValidationError("No yearly schedule stays quiet for \(quiet); is the clock right?")
    }

    /// glibc's `malloc_trim(0)`, which Swift's Glibc module does not export: returns the memory
    /// malloc holds free to the system. Does nothing elsewhere.
    static func returnFreedMemory() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
