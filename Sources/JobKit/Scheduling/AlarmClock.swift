import Dispatch
import Foundation
import Synchronization

/// Alarms on the wall clock, any number of them on one Dispatch timer.
///
/// Setting an alarm is an insertion into a heap under a lock, and cancelling one is a removal
/// from a dictionary: no Dispatch source is created, armed or cancelled per alarm, and no
/// thread wakes for an alarm cancelled before it is due. The one timer is re-armed only when a
/// new alarm is due before every pending one. Deadlines are wall-clock nanoseconds since the
/// epoch (`CLOCK_REALTIME`).
///
/// Two serve the process: ``leases`` for the lease keepers' heartbeats and TTL expiries (a
/// short critical section then costs no timer at all), and ``scheduler`` for the scheduler's
/// sleeps (a sleeping job then costs a heap entry, not a Dispatch source).
final class AlarmClock: Sendable {
    /// An alarm that can be cancelled.
    struct ID: Hashable, Sendable {
        fileprivate let value: UInt64
    }

    private struct Pending: Comparable {
        var deadline: UInt64
        var id: UInt64
        static func < (a: Pending, b: Pending) -> Bool { (a.deadline, a.id) < (b.deadline, b.id) }
    }

    private struct State {
        /// Pending alarms by deadline; cancelled ones stay until they surface or a prune.
        var heap = MinHeap<Pending>()
        /// The actions of alarms not yet fired or cancelled.
        var actions: [UInt64: @Sendable () -> Void] = [:]
        var nextID: UInt64 = 0
        /// The deadline the timer is armed for; `UInt64.max` when it is not armed.
        var armedFor = UInt64.max

        /// Rebuilds the heap without cancelled alarms once they outnumber the pending ones by
        /// far, so a process running many short critical sections keeps a small heap.
        mutating func pruneIfMostlyCancelled() {
            guard heap.count > 1024, heap.count > 4 * actions.count else { return }
            let actions = self.actions
            heap.removeAll { actions[$0.id] == nil }
        }
    }

    /// The lease keepers' alarms: 1 ms leeway; each action runs on a thread of its own
    /// (``BlockingQueue/detach(_:)``), so a heartbeat blocked on the store never delays
    /// another keeper's alarm.
    static let leases = AlarmClock(label: "jobkit.lease-alarms", leeway: .milliseconds(1), detachesActions: true)

    /// The scheduler's sleeps: a strict timer with no leeway; actions (resuming a sleeper)
    /// run on the timer's own queue.
    static let scheduler = AlarmClock(label: "jobkit.scheduler.timers", leeway: .nanoseconds(0), strict: true)

    private let state = Mutex(State())
    /// Dispatch sources are thread-safe objects that Swift does not mark `Sendable`.
    private struct Timer: @unchecked Sendable { let source: any DispatchSourceTimer }
    private let timer: Timer
    private let leeway: DispatchTimeInterval
    private let detachesActions: Bool

    /// Creates a set of alarms with its own timer.
    ///
    /// - Parameters:
    ///   - leeway: how late the timer may fire to save wake-ups.
    ///   - strict: whether the timer ignores the system's power-saving coalescing.
    ///   - detachesActions: whether each due action runs on a thread of its own (actions that
    ///     block on the store); otherwise they run on the timer's queue, one after another,
    ///     which suits actions that only resume a waiter.
    init(label: String, leeway: DispatchTimeInterval, strict: Bool = false, detachesActions: Bool = false) {
        let source = DispatchSource.makeTimerSource(flags: strict ? .strict : [], queue: DispatchQueue(label: label))
        timer = Timer(source: source)
        self.leeway = leeway
        self.detachesActions = detachesActions
        source.setEventHandler { [weak self] in self?.fireDue() }
        source.schedule(wallDeadline: .distantFuture)
        source.activate()
    }

    deinit { timer.source.cancel() }

    /// The wall clock in nanoseconds since the epoch.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// `date` in wall-clock nanoseconds since the epoch (0 for dates before it).
    static func nanoseconds(_ date: Date) -> UInt64 {
        let seconds = date.timeIntervalSince1970
        guard seconds > 0 else { return 0 }
        let whole = seconds.rounded(.down)
        return UInt64(whole) * 1_000_000_000 + UInt64(((seconds - whole) * 1e9).rounded())
    }

    /// Runs `action` at `deadline` (wall-clock nanoseconds since the epoch; at once if it has
    /// passed) unless cancelled first.
    func set(at deadline: UInt64, _ action: @escaping @Sendable () -> Void) -> ID {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.actions[id] = action
            state.heap.insert(Pending(deadline: deadline, id: id))
            state.pruneIfMostlyCancelled()
            if deadline < state.armedFor {
                // Under the lock, so that a concurrent re-arm by `fireDue` cannot overtake it.
                state.armedFor = deadline
                arm(deadline)
            }
            return ID(value: id)
        }
    }

    /// Cancels alarms; an alarm already firing is not stopped.
    ///
    /// - Returns: how many of `ids` were still pending, and so will never fire.
    @discardableResult
    func cancel(_ ids: some Sequence<ID>) -> Int {
        let values = ids.map(\.value)
        return state.withLock { state in
            var cancelled = 0
            for value in values where state.actions.removeValue(forKey: value) != nil { cancelled += 1 }
            return cancelled
        }
    }

    /// Whether an alarm is still pending (neither fired nor cancelled).
    func isPending(_ id: ID) -> Bool { state.withLock { $0.actions[id.value] != nil } }

    /// How many alarms are pending (not fired, not cancelled).
    var pendingCount: Int { state.withLock { $0.actions.count } }

    /// How many entries the heap keeps, cancelled ones included.
    var heapCount: Int { state.withLock { $0.heap.count } }

    private func arm(_ deadline: UInt64) {
        let spec = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        timer.source.schedule(wallDeadline: DispatchWallTime(timespec: spec), leeway: leeway)
    }

    private func fireDue() {
        let now = Self.now()
        let due = state.withLock { state -> [@Sendable () -> Void] in
            var due: [@Sendable () -> Void] = []
            while let first = state.heap.first, first.deadline <= now {
                state.heap.removeFirst()
                if let action = state.actions.removeValue(forKey: first.id) { due.append(action) }
            }
            // Cancelled alarms at the top would only re-arm the timer for nothing.
            while let first = state.heap.first, state.actions[first.id] == nil { state.heap.removeFirst() }
            state.armedFor = state.heap.first?.deadline ?? .max
            if state.armedFor != .max { arm(state.armedFor) }
            return due
        }
        for action in due {
            if detachesActions { BlockingQueue.detach(action) } else { action() }
        }
    }
}
