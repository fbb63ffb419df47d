import JobKit
import Logging
import Synchronization

/// A job whose worker does what a test scripts: waits at a gate, then throws or returns; it
/// records what it saw in a ``WorkerLog`` the test reads.
struct ScriptedJob: NonOverlappingJob {
    /// What the worker saw.
    final class WorkerLog: Sendable {
        private struct State {
            var context: JobContext?
            var cancelledAtGate = false
            var taskCancelledAtEnd: Bool?
        }

        private let state = Mutex(State())

        /// The context the worker got, once it started.
        var context: JobContext? { state.withLock { $0.context } }
        /// Whether waiting at the gate ended with `CancellationError`.
        var cancelledAtGate: Bool { state.withLock { $0.cancelledAtGate } }
        /// `Task.isCancelled` as the worker saw it when it finished, if it got there.
        var taskCancelledAtEnd: Bool? { state.withLock { $0.taskCancelledAtEnd } }

        fileprivate func started(_ context: JobContext) { state.withLock { $0.context = context } }
        fileprivate func cancelledAtTheGate() { state.withLock { $0.cancelledAtGate = true } }
        fileprivate func finished(taskCancelled: Bool) { state.withLock { $0.taskCancelledAtEnd = taskCancelled } }
    }

    /// The error the worker throws when told to fail.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var gate: Gate?
    var failure: String?
    var cancels = false
    let log = WorkerLog()

    var cancelsOnLeaseLoss: Bool { cancels }

    func runWorker(context: JobContext) async throws {
        log.started(context)
        context.logger.info("The worker is running.")
        if let gate {
            do {
                try await gate.wait()
            } catch {
                log.cancelledAtTheGate()
                throw error
            }
        }
        log.finished(taskCancelled: Task.isCancelled)
        if let failure { throw Failure(description: failure) }
    }
}
