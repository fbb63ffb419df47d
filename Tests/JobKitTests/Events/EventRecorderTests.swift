import JobKit
import Logging
import Testing

@Suite struct EventRecorderTests {
    /// Waits, with a deadline, until `recorder` has a pending `waitFor`.
    static func untilWaiting(_ recorder: EventRecorder) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while recorder.waiterCount == 0 {
            try #require(ContinuousClock.now < deadline, "waitFor never started waiting")
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test func waitForReturnsAnEventLoggedLaterFromAnotherTask() async throws {
        let recorder = EventRecorder()
        let logger = recorder.logger()
        async let succeeded = recorder.waitFor(.jobSucceeded, timeout: .seconds(60))
        try await Self.untilWaiting(recorder)
        #expect(recorder.first(.jobSucceeded) == nil)

        await Task.detached {
            logger.jobEvent(.jobStarted, level: .info, "started", [LogKeys.job: "report"])
            logger.jobEvent(.jobSucceeded, level: .info, "done", [LogKeys.lockID: "report", LogKeys.durationMS: .number(12)])
        }.value

        let record = try await succeeded
        #expect(record.event == .jobSucceeded)
        #expect(record.message == "done")
        #expect(record["lock_id"] == "report")
        #expect(record[LogKeys.lockID] == "report")
        #expect(record.integer("duration_ms") == 12)
        #expect(recorder.waiterCount == 0)
    }

    @Test func waitForReturnsARecordAlreadyLogged() async throws {
        let recorder = EventRecorder()
        recorder.logger().jobEvent(.lockLost, level: .error, "lost", [LogKeys.token: .number(3)])
        let record = try await recorder.waitFor(.lockLost, timeout: .seconds(60))
        #expect(record.integer("token") == 3)
        #expect(record.level == .error)
    }

    @Test func waitForMatchesThePredicate() async throws {
        let recorder = EventRecorder()
        let logger = recorder.logger()
        logger.jobEvent(.jobSkipped, level: .info, "skipped", [LogKeys.reason: "lock_held"])
        async let alreadyRan = recorder.waitFor(.jobSkipped) { $0["reason"] == "already_ran" }
        try await Self.untilWaiting(recorder)
        logger.jobEvent(.jobSkipped, level: .info, "skipped", [LogKeys.reason: "already_ran"])
        #expect(try await alreadyRan["reason"] == "already_ran")
        #expect(recorder.events(.jobSkipped).map { $0["reason"] } == ["lock_held", "already_ran"])
    }

    @Test func waitForTimesOutListingTheEventsSeen() async throws {
        let recorder = EventRecorder()
        let logger = recorder.logger()
        logger.jobEvent(.jobStarted, level: .info, "started")
        logger.jobEvent(.jobSkipped, level: .info, "skipped")
        logger.info("no event here")

        let error = await #expect(throws: EventRecorder.Timeout.self) {
            try await recorder.waitFor(.jobSucceeded, timeout: .milliseconds(20))
        }
        #expect(error?.event == .jobSucceeded)
        let message = error?.description ?? ""
        #expect(message.contains("waiting for event job.succeeded"))
        #expect(message.contains("events seen so far: job.started, job.skipped, (no event: no event here)."))
        #expect(recorder.waiterCount == 0)
    }

    @Test func cancellingAWaitThrowsCancellationAndLeavesNoWaiter() async throws {
        let recorder = EventRecorder()
        let waiting = Task { try await recorder.waitFor(.jobFailed) }
        try await Self.untilWaiting(recorder)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(recorder.waiterCount == 0)
    }

    @Test func recordsMergeHandlerAndCallMetadata() {
        let recorder = EventRecorder()
        var logger = recorder.logger()
        logger[metadataKey: LogKeys.owner] = "host-1"
        logger[metadataKey: LogKeys.job] = "handler"
        logger.jobEvent(.jobStarted, level: .info, "started", [LogKeys.job: "call"])
        let record = recorder.first(.jobStarted)
        #expect(record?["owner"] == "host-1")
        #expect(record?["job"] == "call")
        #expect(record?["missing"] == nil)
        #expect(recorder.records.count == 1)
    }
}
