import Dispatch
import Synchronization

/// One kind of store call (acquires, or releases) gathered for ``ClaimBatcher``: items wait
/// here until the batch they join is sent, one batch at a time on a serial Dispatch queue.
///
/// A gathering ends when claims stop arriving: once `window` passes with no new claim, or
/// `longest` after its first claim while they keep coming. So the thousands of claims that one
/// instant's fires make on a loaded machine (each fire costs some CPU before it claims, and
/// the fires of a tick reach the batcher over tens of milliseconds) go to the store as one
/// batch, one commit, rather than as one batch per `window`.
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
        /// When the gathering's first claim and its latest one arrived (uptime nanoseconds).
        var first: UInt64 = 0
        var latest: UInt64 = 0
    }

    /// What the timer finds: the batch to send, or a later time to look again.
    private enum Decision {
        case send([Waiter])
        case wait(until: UInt64)
    }

    private let state = Mutex(State())
    private let queue: DispatchQueue
    private let window: UInt64
    private let longest: UInt64
    private let send: @Sendable ([Item]) -> [Result<Answer, any Error>]

    /// Gathers until `window` passes with no new item, or `longest` after the first (at least
    /// `window`), then sends everything gathered with `send` (which blocks) on a serial queue
    /// named `label`.
    init(
        label: String, window: Duration, longest: Duration,
        send: @escaping @Sendable ([Item]) -> [Result<Answer, any Error>]
    ) {
        self.queue = DispatchQueue(label: label, qos: .userInitiated)
        self.window = UInt64(max(0, window.jobKitNanoseconds))
        self.longest = max(self.window, UInt64(max(0, longest.jobKitNanoseconds)))
        self.send = send
    }

    /// Adds `item` to the next batch and waits for its answer.
    func submit(_ item: Item) async -> Result<Answer, any Error> {
        await withUnsafeContinuation { continuation in
            let now = DispatchTime.now().uptimeNanoseconds
            let first = state.withLock { state in
                state.waiting.append(Waiter(item: item, continuation: continuation))
                state.latest = now
                if state.scheduled { return false }
                state.scheduled = true
                state.first = now
                return true
            }
            if first { look(at: now + window) }
        }
    }

    /// Looks at the gathering at `deadline`, on the serial queue.
    private func look(at deadline: UInt64) {
        queue.asyncAfter(deadline: DispatchTime(uptimeNanoseconds: deadline)) { self.due() }
    }

    /// Sends the gathering once claims have stopped arriving for `window`, or `longest` after
    /// its first claim; else looks again when the quiet would be long enough. Items arriving
    /// while a batch is at the store start the next gathering, which the serial queue sends
    /// after this one.
    private func due() {
        let now = DispatchTime.now().uptimeNanoseconds
        let decision = state.withLock { state -> Decision in
            let sendAt = Self.sendTime(first: state.first, latest: state.latest, window: window, longest: longest)
            if now < sendAt { return .wait(until: sendAt) }
            defer {
                state.waiting = []
                state.scheduled = false
            }
            return .send(state.waiting)
        }
        switch decision {
        case .wait(let deadline):
            look(at: deadline)
        case .send(let batch):
            flush(batch)
        }
    }

    /// When a gathering whose first claim came at `first` and latest at `latest` is sent: once
    /// `window` has passed with no new claim, but no later than `longest` after the first.
    static func sendTime(first: UInt64, latest: UInt64, window: UInt64, longest: UInt64) -> UInt64 {
        min(latest + window, first + longest)
    }

    /// Sends `batch` as one store call and answers each waiter.
    private func flush(_ batch: [Waiter]) {
        guard !batch.isEmpty else { return }
        let answers = send(batch.map { $0.item })
        for (index, waiter) in batch.enumerated() {
            waiter.continuation.resume(returning: index < answers.count ? answers[index] : .failure(ClaimBatchError()))
        }
    }
}
