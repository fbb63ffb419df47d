import Dispatch
import Synchronization

/// One kind of store call (acquires, or releases) gathered for ``ClaimBatcher``: items wait
/// here until the batch they join is sent, one batch at a time on a serial Dispatch queue.
final class ClaimGathering<Item: Sendable, Answer: Sendable>: Sendable {
    /// A claim and the task waiting for its answer. The continuation is unchecked: `flush`
    /// resumes each exactly once, and a checked one cost an allocation per claim.
    private struct Waiter {
        var item: Item
        var continuation: UnsafeContinuation<Result<Answer, any Error>, Never>
    }

    private struct State {
        var waiting: [Waiter] = []
        var scheduled = false
    }

    private let state = Mutex(State())
    private let queue: DispatchQueue
    private let window: DispatchTimeInterval
    private let send: @Sendable ([Item]) -> [Result<Answer, any Error>]

    /// Gathers for `window` after the first item, then sends everything gathered with `send`
    /// (which blocks) on a serial queue named `label`.
    init(label: String, window: Duration, send: @escaping @Sendable ([Item]) -> [Result<Answer, any Error>]) {
        self.queue = DispatchQueue(label: label, qos: .userInitiated)
        self.window = .microseconds(Int(window.jobKitMicroseconds))
        self.send = send
    }

    /// Adds `item` to the next batch and waits for its answer.
    func submit(_ item: Item) async -> Result<Answer, any Error> {
        await withUnsafeContinuation { continuation in
            let first = state.withLock { state in
                state.waiting.append(Waiter(item: item, continuation: continuation))
                defer { state.scheduled = true }
                return !state.scheduled
            }
            if first {
                queue.asyncAfter(deadline: .now() + window) { self.flush() }
            }
        }
    }

    /// Takes everything gathered and sends it as one batch. Items arriving meanwhile schedule
    /// the next batch, which runs after this one on the serial queue: a burst larger than one
    /// window costs a few batches, not one per item.
    private func flush() {
        let batch = state.withLock { state in
            defer {
                state.waiting = []
                state.scheduled = false
            }
            return state.waiting
        }
        guard !batch.isEmpty else { return }
        let answers = send(batch.map { $0.item })
        for (index, waiter) in batch.enumerated() {
            waiter.continuation.resume(returning: index < answers.count ? answers[index] : .failure(ClaimBatchError()))
        }
    }
}
