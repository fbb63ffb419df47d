import Foundation
@testable import JobKit
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// The scheduler's control poll, on the memory store: one call per poll for all its jobs, and
/// a trigger request run once by one of two schedulers sharing the store, recorded as manual.
@Suite struct SchedulerControlTests {
    @Test func eachPollIsOneCallForAllJobsAndATriggerRunsOnceOnOneOfTwoSchedulers() async throws {
        let store = ControlCountingStore(InMemoryLockStore())
        let log = TickLog()
        let recorder = EventRecorder()
        let jobs = (0..<20).map { index in
            ScheduledJob(name: "job\(index)", schedule: .every(.seconds(3600)), catchUp: .none, job: CountingJob(log: log))
        }
        var configuration = Scheduler.Configuration()
        configuration.controlInterval = .milliseconds(20)
        // Half past the hour on the schedulers' clock: no hourly tick comes during the test.
        let offset = MidHourOffset.from()
        let schedulers = try ["alpha", "beta"].map { owner in
            try Scheduler(
                jobs: jobs, mutex: DBMutex(store: store, owner: owner, heartbeat: nil, logger: recorder.logger()),
                clock: OffsetClock(offset: offset), configuration: configuration
            )
        }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for scheduler in schedulers { group.addTask { try await scheduler.run() } }
                let request = try await store.inner.requestTrigger("job7", by: "ops")
                let claimed = try await waitUntil(timeout: .seconds(60), "the trigger to be claimed and run") {
                    store.inner.triggerRequest(request.id).flatMap { $0.token != nil && log.count == 1 ? $0 : nil }
                }
                // A few more polls: nothing else runs.
                let pollsSoFar = store.polled.count
                _ = try await waitUntil(timeout: .seconds(60), "six more polls") { store.polled.count >= pollsSoFar + 6 ? true : nil }
                #expect(log.count == 1, "one run for one trigger")
                #expect(["alpha", "beta"].contains(claimed.claimedBy ?? ""))
                let run = try #require(store.inner.runs(of: "job7", limit: 10).first)
                #expect(run.kind == .manual && run.token == claimed.token && run.tick == nil)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let names = jobs.map(\.name)
        #expect(store.polled.allSatisfy { $0 == names }, "each poll asks about every job at once")
        let started = recorder.events(.jobStarted)
        #expect(started.count == 1 && started.first?["kind"] == "manual", "\(started)")
        #expect(recorder.events(.jobSkipped).isEmpty, "the scheduler that lost the claim reports nothing")
    }
}
