import Foundation
import JobKit
import Logging
import ServiceLifecycle

/// Runs `scheduler` (after `others`, which stop after it) in a `ServiceGroup` (trapping no signals) while `body` runs, then triggers
/// a graceful shutdown, the way SIGTERM would, and waits until the scheduler's `run()` has
/// returned. Returns what `body` returned and how long the shutdown took, in seconds.
func withRunningScheduler<T: Sendable>(
    _ scheduler: Scheduler, alongside others: [any Service] = [], _ body: () async throws -> T
) async throws -> (value: T, shutdownSeconds: Double) {
    let group = ServiceGroup(
        services: others + [scheduler], logger: Logger(label: "jobkit-bench", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        let stopping = monotonicNanoseconds()
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return (try result.get(), Double(monotonicNanoseconds() - stopping) / 1e9)
    }
}

/// Polls `condition` every `interval` until it holds; throws once `timeout` has passed.
func waitUntil(
    _ what: String, timeout: Duration, interval: Duration = .milliseconds(5), _ condition: () -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while !condition() {
        guard clock.now < deadline else { throw BenchTimeout(what: what, timeout: timeout) }
        try await Task.sleep(for: interval)
    }
}
