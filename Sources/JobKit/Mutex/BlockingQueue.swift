import Dispatch

/// Runs blocking store calls on Dispatch threads, off Swift's cooperative thread pool, so a
/// slow database never starves the tasks that share that pool.
enum BlockingQueue {
    static let queue = DispatchQueue(label: "jobkit.store", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
