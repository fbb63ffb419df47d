import Synchronization

/// Resumes a continuation exactly once, whichever of several racing callbacks comes first.
///
/// The continuation may be handed over after a callback already came (a cancellation that
/// won the race against arming): it is then resumed at once with that callback's result.
/// Because this type guarantees the single resume, it holds an unsafe continuation: a checked
/// one would add an allocation to every sleeping job.
final class ResumeOnce<T: Sendable>: Sendable {
    private enum Slot {
        case empty
        case waiting(UnsafeContinuation<T, any Error>)
        /// Resumed, or answered before a continuation came (the result waits for it).
        case answered(Result<T, any Error>?)
    }

    private let slot: Mutex<Slot>

    init(_ continuation: UnsafeContinuation<T, any Error>) {
        self.slot = Mutex(.waiting(continuation))
    }

    /// Creates one whose continuation comes later, through ``arm(_:)``.
    init() {
        self.slot = Mutex(.empty)
    }

    /// Hands over the continuation; resumes it at once if a result already came.
    func arm(_ continuation: UnsafeContinuation<T, any Error>) {
        let early = slot.withLock { slot -> Result<T, any Error>? in
            switch slot {
            case .empty:
                slot = .waiting(continuation)
                return nil
            case .answered(let result):
                slot = .answered(nil)
                return result
            case .waiting:
                preconditionFailure("a ResumeOnce is armed once")
            }
        }
        if let early { continuation.resume(with: early) }
    }

    func resume(with result: Result<T, any Error>) {
        let taken = slot.withLock { slot -> UnsafeContinuation<T, any Error>? in
            switch slot {
            case .empty:
                slot = .answered(result)
                return nil
            case .waiting(let continuation):
                slot = .answered(nil)
                return continuation
            case .answered:
                return nil
            }
        }
        taken?.resume(with: result)
    }
}
