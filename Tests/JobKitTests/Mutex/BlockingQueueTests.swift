import Dispatch
@testable import JobKit
import Synchronization
import Testing

/// Blocking store calls each get a thread: however many are blocked, the next one runs. (A
/// concurrent Dispatch queue on Linux runs only about as many blocks as there are CPUs, so on
/// a small machine two stalled connects held up every other job's store call.)
@Suite struct BlockingQueueTests {
    private final class Counter: Sendable {
        let value = Mutex(0)
    }

    @Test func sixteenCallsThatEachWaitForAllTheOthersToStartAllFinish() async throws {
        let count = 16
        let started = Counter()
        let allStarted = DispatchSemaphore(value: 0)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask {
                    try await BlockingQueue.run {
                        if started.value.withLock({ $0 += 1; return $0 }) == count {
                            for _ in 0..<count { allStarted.signal() }
                        }
                        // Each call blocks its thread until every call has started: with a
                        // pool narrower than 16 this would wait out the deadline and fail.
                        return allStarted.wait(timeout: .now() + 60) == .success
                    }
                }
            }
            for try await finished in group { #expect(finished) }
        }
        #expect(started.value.withLock { $0 } == count)
    }
}
