import FleetHarness
import Foundation
import Testing

/// `"overlap": "queue_one"` with three real `jobkit run` processes on PostgreSQL: a job that
/// takes 1.5 × its interval runs back to back (a tick that finds it running waits and runs
/// next), never two at once, never two ticks waiting. In ``FleetTests``, so it runs one at a
/// time with the other fleet scenarios.
extension FleetTests {
    @Test func queueOneRunsALongJobBackToBackWithoutOverlapOrASecondWaiter() async throws {
        let job = FleetJob(name: "queued", interval: .seconds(1), run: .milliseconds(1500), overlap: "queue_one")
        let scenario = try FleetScenario("queue", jobs: [job])
        let fleet = scenario.fleet
        let name = fleet.name(of: job)
        try await scenario.run([FleetProcessOptions](repeating: FleetProcessOptions(), count: 3)) { fleet in
            _ = try await Fleet.waitFor("eight finished runs", timeout: .seconds(60)) {
                try fleet.runs().filter { $0.job == name && $0.endNS != nil }.count >= 8 ? true : nil
            }
        }
        let runs = try fleet.runs().filter { $0.job == name && $0.endNS != nil }.sorted { $0.startNS < $1.startNS }
        #expect(try scenario.analyze().overlaps.isEmpty, "never two at once")
        let ticks = runs.map(\.tickMS)
        #expect(Set(ticks).count == ticks.count, "each tick ran once: \(runs)")
        // A queued run is one whose tick came while the run before it was still going.
        var queued = 0
        for (index, run) in runs.enumerated() where index >= 1 {
            let previousEndMS = (runs[index - 1].endNS ?? 0) / 1_000_000
            if run.tickMS < previousEndMS { queued += 1 }
            #expect(run.startNS >= runs[index - 1].endNS ?? 0, "back to back, not overlapping: \(runs)")
            if index >= 2 {
                // Its tick came after the run two before ended: it never waited beside another waiter.
                #expect(run.tickMS * 1_000_000 >= runs[index - 2].endNS ?? 0, "never two queued: \(runs)")
            }
        }
        // A loaded machine may fire a tick late, after the run before it ended (then it runs at
        // once, not queued); without queue_one no run would ever start before its tick's
        // predecessor ended, so one queued run proves the queue.
        #expect(queued >= 1, "ticks that found the job running waited and ran next: \(runs)")
        #expect(Set(runs.map(\.pid)).count > 1, "the queue is the fleet's, not one process's: \(runs)")
        // The fleet stops while a tick waits in the queue (the job is always running): that
        // tick did not run, and nothing failed.
        #expect(fleet.events("job.failed", job: job).isEmpty, "\(fleet.events("job.failed", job: job))")
        let stopped = fleet.events("job.skipped", job: job).filter { $0.string("reason") == "stopping" }
        #expect(stopped.allSatisfy { $0.string("tick") != nil && $0.string("level") == "info" }, "\(stopped)")
        expectCleanExits(fleet)
    }
}
