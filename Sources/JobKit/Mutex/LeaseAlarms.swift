import Dispatch
import Foundation
import Synchronization

/// The alarms of every ``LeaseKeeper`` of the process (heartbeats and TTL expiries), on one
/// Dispatch timer.
///
/// Setting an alarm is an insertion into a heap under a lock, and cancelling one is a removal
/// from a dictionary: a critical section that ends before its first heartbeat is due creates,
/// arms and cancels no Dispatch source, and wakes no thread. The one timer is re-armed only
/// when a new alarm is due before every pending one. Deadlines are on the wall clock
/// (`CLOCK_REALTIME`), like the TTL they guard. Due alarms run on a concurrent queue, so a
/// heartbeat blocked on the store never delays another keeper's alarm.
final class LeaseAlarms: Sendable {
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

    /// The alarms of this process.
    static let shared = LeaseAlarms()

    private let state = Mutex(State())
    /// Dispatch sources are thread-safe objects that Swift does not mark `Sendable`.
    private struct Timer: @unchecked Sendable { let source: any DispatchSourceTimer }
    private let timer: Timer
    private let actionQueue = DispatchQueue(label: "jobkit.lease-keeper", attributes: .concurrent)

    /// Creates a set of alarms with its own timer; the process's keepers share ``shared``.
    init() {
        let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "jobkit.lease-alarms"))
        timer = Timer(source: source)
        source.setEventHandler { [unowned self] in self.fireDue() }
        source.schedule(wallDeadline: .distantFuture)
        source.activate()
    }

    /// The wall clock in nanoseconds since the epoch.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Runs `action` on the alarm queue at `deadline` (wall-clock nanoseconds since the epoch)
    /// unless cancelled first.
    func set(at deadline: UInt64, _ action: @escaping @Sendable () -> Void) -> ID {
        let (id, rearm) = state.withLock { state -> (UInt64, Bool) in
            let id = state.nextID
            state.nextID += 1
            state.actions[id] = action
            state.heap.insert(Pending(deadline: deadline, id: id))
            state.pruneIfMostlyCancelled()
            guard deadline < state.armedFor else { return (id, false) }
            state.armedFor = deadline
            return (id, true)
        }
        if rearm { arm(deadline) }
        return ID(value: id)
    }

    /// Cancels alarms; an alarm already firing is not stopped.
    func cancel(_ ids: [ID]) {
        guard !ids.isEmpty else { return }
        state.withLock { state in
            for id in ids { state.actions[id.value] = nil }
        }
    }

    /// How many alarms are pending (not fired, not cancelled).
    var pendingCount: Int { state.withLock { $0.actions.count } }

    /// Whether an alarm is still pending (neither fired nor cancelled).
    func isPending(_ id: ID) -> Bool { state.withLock { $0.actions[id.value] != nil } }

    /// How many entries the heap keeps, cancelled ones included.
    var heapCount: Int { state.withLock { $0.heap.count } }

    private func arm(_ deadline: UInt64) {
        let spec = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        timer.source.schedule(wallDeadline: DispatchWallTime(timespec: spec), leeway: .milliseconds(1))
    }

    private func fireDue() {
        let now = Self.now()
        let (due, next) = state.withLock { state -> ([@Sendable () -> Void], UInt64) in
            var due: [@Sendable () -> Void] = []
            while let first = state.heap.first, first.deadline <= now {
                state.heap.removeFirst()
                if let action = state.actions.removeValue(forKey: first.id) { due.append(action) }
            }
            // Cancelled alarms at the top would only re-arm the timer for nothing.
            while let first = state.heap.first, state.actions[first.id] == nil { state.heap.removeFirst() }
            state.armedFor = state.heap.first?.deadline ?? .max
            return (due, state.armedFor)
        }
        if next != .max { arm(next) }
        for action in due { actionQueue.async(execute: action) }
    }
}
