import Dispatch
import Foundation
import Synchronization

/// The few threads per process that start shell commands, off Swift's cooperative thread pool.
///
/// `posix_spawn` returns only once the child has called `exec` (glibc starts it with
/// `CLONE_VFORK`), and on a busy machine the child waits for a core before it gets there, the
/// calling thread waiting with it: during a burst of 250 spawns per process on two busy cores,
/// a spawn held its thread 2 ms at the median, 10 ms at p90 and up to 157 ms. The cooperative
/// pool has one thread per core, so two such waits stopped every task of the scheduler (claims,
/// releases, events, the next spawns). Spawns run here instead, at most ``threadCount`` at
/// once, in the order they were asked for, and the task awaiting one is suspended, not its
/// thread.
final class ShellSpawner: Sendable {
    /// The process's one spawner.
    static let shared = ShellSpawner()

    /// How many spawns may wait for their child's `exec` at once. A thread is started when
    /// a spawn finds none idle, up to this many, and then kept. Sixteen rather than four: in
    /// same-run comparisons of `burst --shell` on two busy cores, sixteen had the lower
    /// scheduler CPU and a p99 no worse, as a child slow to reach a core holds up less.
    static let threadCount = 16

    private struct Work {
        var items: [@Sendable () -> Void] = []
        var threads = 0
        /// Threads waiting for an item.
        var idle = 0
    }

    private let work = Mutex(Work())
    /// Counts the items queued, so that each thread takes one per `wait`.
    private let queued = DispatchSemaphore(value: 0)

    private init() {}

    /// Runs `body` on one of the spawner's threads and returns what it returns; `body` is
    /// told whether the awaiting task was cancelled while it waited for a thread (so that
    /// nothing starts for a task cancelled before the start).
    func perform<Value: Sendable>(_ body: @escaping @Sendable (_ cancelled: Bool) -> Value) async -> Value {
        let cancelled = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let startThread = work.withLock { work -> Bool in
                    work.items.append { continuation.resume(returning: body(cancelled.isSet)) }
                    guard work.items.count > work.idle, work.threads < Self.threadCount else { return false }
                    work.threads += 1
                    return true
                }
                if startThread { Thread.detachNewThread { [self] in serve() } }
                queued.signal()
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// Whether a task waiting for a spawn was cancelled.
    private final class CancellationFlag: Sendable {
        private let flag = Atomic(false)
        var isSet: Bool { flag.load(ordering: .acquiring) }
        func set() { flag.store(true, ordering: .releasing) }
    }

    private func serve() {
        while true {
            work.withLock { $0.idle += 1 }
            queued.wait()
            let item = work.withLock { work in
                work.idle -= 1
                return work.items.isEmpty ? nil : work.items.removeFirst()
            }
            guard let item else { continue }
            item()
        }
    }
}
