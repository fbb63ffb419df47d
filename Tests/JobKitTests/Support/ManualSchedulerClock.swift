import Foundation
import JobKit
import Synchronization

/// A scheduler clock that only moves when a test moves it. Sleepers wake when the test
/// advances past their deadline; tests wait for the scheduler to be asleep before moving on,
/// so nothing depends on how fast the machine is.
final class ManualSchedulerClock: SchedulerClock {
    private struct Sleeper {
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [Int: Sleeper] = [:]
        var next = 0
        /// Every deadline a sleeper asked for, in order.
        var requested: [Date] = []
    }

    private let state: Mutex<State>

    init(_ now: Date) { state = Mutex(State(now: now)) }

    func now() -> Date { state.withLock { $0.now } }

    func sleep(until deadline: Date) async throws {
        let id = state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let wakeNow = state.withLock { state -> Bool in
                    state.requested.append(deadline)
                    if deadline <= state.now { return true }
                    if Task.isCancelled { return true }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return false
                }
                if wakeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock to `date` and wakes every sleeper whose deadline has come.
    func advance(to date: Date) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = max(state.now, date)
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for key in due.keys { state.sleepers.removeValue(forKey: key) }
            return Array(due.values)
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// The deadlines of the sleepers now waiting, earliest first.
    var sleeperDeadlines: [Date] { state.withLock { $0.sleepers.values.map(\.deadline).sorted() } }

    /// Every deadline asked for so far.
    var requestedDeadlines: [Date] { state.withLock { $0.requested } }

    /// Waits until `count` sleepers wait for deadlines later than now, and returns the earliest.
    @discardableResult
    func waitForSleepers(_ count: Int, timeout: Duration = .seconds(60)) async throws -> Date {
        try await poll(timeout: timeout, "\(count) sleeping scheduler timers") {
            state.withLock { state in
                let waiting = state.sleepers.values.filter { $0.deadline > state.now }.map(\.deadline).sorted()
                return waiting.count >= count ? waiting.first : nil
            }
        }
    }
}

/// Polls `condition` every 100 µs until it holds or `timeout` passes: for the tight loops of
/// simulated time, where the scheduler answers in microseconds and tests step thousands of ticks.
func poll<T>(timeout: Duration, _ what: String, _ condition: () -> T?) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if let value = condition() { return value }
        guard clock.now < deadline else { throw WaitTimedOut(what: what, timeout: timeout) }
        try await Task.sleep(for: .microseconds(100))
    }
}
