import Foundation
import JobKit
import Testing

/// The scheduler sends its jobs' claims and releases to the store in batches
/// (``Scheduler/Configuration/claimWindow``), and each job still gets its own lease, token,
/// ledger row and events; with batching off, each goes alone.
@Suite struct SchedulerBatchTests {
    typealias Base = SchedulerTests
    static let jobs = 20

    private func run(claimWindow: Duration?) async throws -> (BatchCountingStore, EventRecorder, TickLog) {
        let store = BatchCountingStore()
        let clock = ManualSchedulerClock(Base.start)
        let log = TickLog()
        let recorder = EventRecorder()
        var configuration = Scheduler.Configuration()
        configuration.claimWindow = claimWindow
        let jobs = (0..<Self.jobs).map {
            ScheduledJob(name: "job\($0)", schedule: .every(.seconds(10)), catchUp: .none, job: CountingJob(log: log))
        }
        let scheduler = try Scheduler(jobs: jobs, mutex: Base().mutex(store, recorder), clock: clock, configuration: configuration)
        try await Base().withScheduler(scheduler) { _ in
            clock.advance(to: try await clock.waitForSleepers(Self.jobs))
            _ = try await poll(timeout: .seconds(60), "every job to succeed") {
                recorder.events(.jobSucceeded).count == Self.jobs ? true : nil
            }
        }
        return (store, recorder, log)
    }

    @Test func claimsAndReleasesDueTogetherGoInBatchesAndEachJobKeepsItsOwnRun() async throws {
        let (store, recorder, log) = try await run(claimWindow: .milliseconds(5))
        #expect(log.count == Self.jobs)
        #expect(store.singleAcquires == 0 && store.singleReleases == 0, "nothing went alone")
        #expect(store.acquireBatches.reduce(0, +) == Self.jobs)
        #expect(store.releaseBatches.reduce(0, +) == Self.jobs)
        let started = recorder.events(.jobStarted)
        #expect(started.count == Self.jobs)
        #expect(Set(started.compactMap { $0.integer("token") }).count == Self.jobs, "a token of its own per job")
        for job in 0..<Self.jobs {
            let runs = try store.runs(of: "job\(job)", limit: 5)
            #expect(runs.count == 1 && runs.first?.outcome == .succeeded, "job\(job): \(runs)")
        }
    }

    @Test func withoutAClaimWindowEachClaimAndReleaseGoesAlone() async throws {
        let (store, recorder, _) = try await run(claimWindow: nil)
        #expect(store.acquireBatches.isEmpty && store.releaseBatches.isEmpty)
        #expect(store.singleAcquires == Self.jobs && store.singleReleases == Self.jobs)
        #expect(recorder.events(.jobStarted).count == Self.jobs)
    }
}
