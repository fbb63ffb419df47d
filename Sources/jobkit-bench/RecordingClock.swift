import Foundation
import JobKit
import Synchronization

/// A scheduler clock that delegates to another (the real `DispatchWallClock` by default) and
/// records, for every sleep that ends by its deadline rather than by cancellation, how late it
/// woke: the instant `sleep(until:)` returned control, minus the deadline it was given.
final class RecordingClock: SchedulerClock {
    /// One completed sleep.
    struct Wake: Sendable {
        var deadline: Date
        var woke: Date
        /// `woke − deadline`, in milliseconds.
        var latenessMs: Double { woke.timeIntervalSince(deadline) * 1000 }
    }

    private struct State {
        var wakes: [Wake] = []
        var sleepsStarted = 0
        var firstDeadline: Date?
    }

    let base: any SchedulerClock
    private let state = Mutex(State())

    init(base: any SchedulerClock = DispatchWallClock()) {
        self.base = base
    }

    func now() -> Date { base.now() }

    func sleep(until deadline: Date) async throws {
        try await record(deadline) { try await base.sleep(until: deadline) }
    }

    func sleep(until deadline: Date, wakingOn signal: WakeSignal) async throws {
        try await record(deadline) { try await base.sleep(until: deadline, wakingOn: signal) }
    }

    private func record(_ deadline: Date, _ sleep: () async throws -> Void) async throws {
        state.withLock { state in
            state.sleepsStarted += 1
            if state.firstDeadline == nil { state.firstDeadline = deadline }
        }
        try await sleep()
        let woke = base.now()
        state.withLock { $0.wakes.append(Wake(deadline: deadline, woke: woke)) }
    }

    /// How many sleeps have begun (each armed one timer).
    var sleepsStarted: Int { state.withLock { $0.sleepsStarted } }

    /// The deadline of the first sleep: for a scheduler with one job, its first tick.
    var firstDeadline: Date? { state.withLock { $0.firstDeadline } }

    /// Every completed sleep so far, in the order they ended.
    var wakes: [Wake] { state.withLock { $0.wakes } }
}
