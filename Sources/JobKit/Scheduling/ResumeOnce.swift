import Synchronization

/// Resumes a continuation exactly once, whichever of several racing callbacks comes first.
final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation = Mutex(continuation)
    }

    func resume(with result: Result<T, any Error>) {
        let taken = continuation.withLock { current in
            defer { current = nil }
            return current
        }
        taken?.resume(with: result)
    }
}
