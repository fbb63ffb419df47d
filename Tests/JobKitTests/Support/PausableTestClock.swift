import Foundation
import JobKit
import Synchronization

/// A wall clock and a monotonic clock that a test moves by hand, for both a lock store
/// (``LockClock``) and a lease's timers (``LeaseClock``). ``pause(for:)`` moves wall time
/// alone, as a paused virtual machine sees it on waking: the monotonic clock stalled while
/// the host's (and the database's) wall clock went on. Due timers run on the thread that
/// moves the clock, when it moves it.
final class PausableTestClock: LockClock, LeaseClock {
    private struct Pending {
        var deadline: Date
        var handler: @Sendable () -> Void
    }

    private struct State {
        var wall: Date
        var monotonic: Duration = .zero
        var pending: [Int: Pending] = [:]
        var next = 0
    }

    private let state: Mutex<State>

    init(_ wall: Date) { state = Mutex(State(wall: wall)) }

    func now() -> Date { state.withLock { $0.wall } }

    /// How much monotonic time has passed since the clock was made.
    var monotonic: Duration { state.withLock { $0.monotonic } }

    /// How many timers wait.
    var pendingCount: Int { state.withLock { $0.pending.count } }

    func schedule(at deadline: Date, _ handler: @escaping @Sendable () -> Void) -> LeaseTimer {
        let id = state.withLock { state in
            defer { state.next += 1 }
            state.pending[state.next] = Pending(deadline: deadline, handler: handler)
            return state.next
        }
        return LeaseTimer { [weak self] in _ = self?.state.withLock { $0.pending.removeValue(forKey: id) } }
    }

    /// Time passes on both clocks, in steps of at most `step`, running timers as they come due.
    func run(for duration: Duration, step: Duration = .milliseconds(100)) {
        var left = duration
        while left > .zero {
            let move = min(step, left)
            state.withLock { state in
                state.wall = state.wall.addingTimeInterval(Self.seconds(move))
                state.monotonic += move
            }
            fireDue()
            left -= move
        }
    }

    /// The process is paused for `duration`: wall time jumps, monotonic time does not move.
    /// Timers that came due run only with `fire` (or at the next ``fireDue()``).
    func pause(for duration: Duration, fire: Bool = true) {
        state.withLock { $0.wall = $0.wall.addingTimeInterval(Self.seconds(duration)) }
        if fire { fireDue() }
    }

    /// Runs every timer whose deadline has come, earliest first, including ones they set.
    func fireDue() {
        while true {
            let due = state.withLock { state -> Pending? in
                guard let (id, pending) = state.pending.filter({ $0.value.deadline <= state.wall })
                    .min(by: { $0.value.deadline < $1.value.deadline })
                else { return nil }
                state.pending.removeValue(forKey: id)
                return pending
            }
            guard let due else { return }
            due.handler()
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
