import Dispatch
import Synchronization

/// Runs async work from a synchronous command and waits for it: the tool's root command is a
/// synchronous `ParsableCommand`, and an async subcommand would need an async root.
///
/// The calling thread blocks on a semaphore; the work runs on Swift's cooperative pool, which
/// the calling (main) thread is not part of, so this cannot deadlock it.
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Outcome<T>()
    Task {
        do {
            outcome.finish(.success(try await work()))
        } catch {
            outcome.finish(.failure(error))
        }
    }
    return try outcome.wait()
}

/// The result of work running elsewhere, and a way for one thread to wait for it.
private final class Outcome<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func finish(_ value: Result<T, any Error>) {
        result.withLock { $0 = value }
        done.signal()
    }

    func wait() throws -> T {
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
