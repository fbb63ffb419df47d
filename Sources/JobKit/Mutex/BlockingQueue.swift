import Dispatch

/// Runs blocking store calls on Dispatch threads, off Swift's cooperative thread pool, so a
/// slow database never starves the tasks that share that pool.
///
/// Each call gets a serial queue of its own rather than a slot on one concurrent queue: on
/// Linux a concurrent queue runs only about as many blocks at once as there are CPUs, and a
/// thread blocked in a store call (a connect timing out, a row lock) still counts, so on a
/// 2-core machine two stalled calls held up every other job's acquire and heartbeat. A serial
/// queue draws its thread from Dispatch's overcommit pool, which starts another thread when
/// the others are busy.
enum BlockingQueue {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            detach { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Runs `work` on a thread of its own, now, whatever else is blocked.
    static func detach(_ work: @escaping @Sendable () -> Void) {
        DispatchQueue(label: "jobkit.store", qos: .userInitiated).async(execute: work)
    }
}
