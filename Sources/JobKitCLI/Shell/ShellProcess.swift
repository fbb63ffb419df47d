import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A started shell command under supervision: its output pipes drained into bounded tails,
/// its exit awaited, its time limit kept, and its process group terminated when it must be.
///
/// Everything happens off Swift's cooperative thread pool: the pipes are read by Dispatch
/// read sources and the timers are Dispatch timers, all on one serial queue, and `waitpid`
/// blocks a thread of its own. The state is only touched on that queue; the mutex makes
/// that provable to the compiler and costs nothing uncontended.
///
/// The run is finished when the command has exited, its group is gone (no live member, or
/// `SIGKILL` was sent after the grace), and both pipes are at their end (or were closed a
/// grace after the group ended, for a process that left the group but holds them).
final class ShellProcess: Sendable {
    /// The child's pid, which is also its process group's id.
    let pid: pid_t
    private let descriptors: [Int32]
    private let queue: DispatchQueue
    private let grace: Duration
    private let timeout: Duration?
    private let started: ContinuousClock.Instant
    private let state: Mutex<State>

    private struct State {
        var tails: [ShellOutputCollector]
        var readers: [(any DispatchSourceRead)?] = [nil, nil]
        var openStreams = 2
        var leaderEnded = false
        var waitStatus: Int32?
        var terminating = false
        var timedOut = false
        var cancelled = false
        var leftovers = false
        var killed = false
        var groupGone = false
        var timeoutTimer: (any DispatchSourceTimer)?
        var killTimer: (any DispatchSourceTimer)?
        var pollTimer: (any DispatchSourceTimer)?
        var drainTimer: (any DispatchSourceTimer)?
        var result: ShellResult?
        var waiters: [CheckedContinuation<ShellResult, Never>] = []
    }

    /// How often a group whose leader has exited is checked for live members.
    private static let pollInterval: Duration = .milliseconds(25)
    /// How many bytes one read takes from a pipe.
    private static let chunkSize = 64 * 1024

    /// Starts supervising the child `pid`, whose stdout and stderr are the read ends
    /// `stdout` and `stderr` (which this object closes).
    init(pid: pid_t, stdout: Int32, stderr: Int32, command: ShellCommand) {
        self.pid = pid
        descriptors = [stdout, stderr]
        queue = DispatchQueue(label: "jobkit.shell.\(pid)")
        grace = command.terminationGrace
        timeout = command.timeout
        started = .now
        let collector = ShellOutputCollector(
            lineLimit: command.tailLineLimit, lineByteLimit: command.tailLineByteLimit
        )
        state = Mutex(State(tails: [collector, collector]))
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        queue.async { [self] in
            state.withLock { state in
                for stream in 0..<2 { state.readers[stream] = makeReader(stream) }
                if let timeout {
                    state.timeoutTimer = makeTimer(after: timeout) { [self] in timeoutFired() }
                }
            }
        }
        Thread.detachNewThread { [self] in
            var status: Int32 = 0
            var reaped: pid_t
            repeat { reaped = waitpid(pid, &status, 0) } while reaped == -1 && errno == EINTR
            let known: Int32? = reaped == pid ? status : nil
            queue.async { [self] in leaderExited(known) }
        }
    }

    /// Waits until the run is finished and returns how it ended.
    func result() async -> ShellResult {
        await withCheckedContinuation { continuation in
            queue.async { [self] in
                let ready = state.withLock { state -> ShellResult? in
                    if let result = state.result { return result }
                    state.waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    /// Terminates the process group because the awaiting task was cancelled; nothing once
    /// the command has exited.
    func cancel() {
        queue.async { [self] in
            state.withLock { state in
                guard !state.leaderEnded, !state.terminating else { return }
                state.cancelled = true
                beginTermination(&state)
            }
        }
    }

    // MARK: Events, all on `queue`

    private func readAvailable(_ stream: Int) {
        let ended = withUnsafeTemporaryAllocation(byteCount: Self.chunkSize, alignment: 1) { buffer -> Bool in
            let count = read(descriptors[stream], buffer.baseAddress, buffer.count)
            if count > 0 {
                state.withLock { $0.tails[stream].append(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
                return false
            }
            if count == -1, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return false }
            return true
        }
        if ended { stopReading(stream) }
    }

    private func stopReading(_ stream: Int) {
        state.withLock { state in
            state.readers[stream]?.cancel()
            state.readers[stream] = nil
        }
    }

    /// A reader's cancel handler ran: its descriptor is closed.
    private func streamClosed() {
        settle { state in
            state.openStreams -= 1
        }
    }

    private func leaderExited(_ status: Int32?) {
        settle { state in
            state.leaderEnded = true
            state.waitStatus = status
            state.timeoutTimer?.cancel()
            state.timeoutTimer = nil
            if ShellProcessGroup.hasLiveMembers(pid) {
                if !state.terminating {
                    state.leftovers = true
                    beginTermination(&state)
                }
                state.pollTimer = makeTimer(after: Self.pollInterval, repeating: Self.pollInterval) { [self] in
                    pollGroup()
                }
            } else {
                groupEnded(&state)
            }
        }
    }

    private func timeoutFired() {
        state.withLock { state in
            guard !state.leaderEnded, !state.terminating else { return }
            state.timedOut = true
            beginTermination(&state)
        }
    }

    private func pollGroup() {
        settle { state in
            guard !state.groupGone, !ShellProcessGroup.hasLiveMembers(pid) else { return }
            groupEnded(&state)
        }
    }

    private func killFired() {
        settle { state in
            state.killTimer?.cancel()
            state.killTimer = nil
            guard !state.groupGone else { return }
            ShellProcessGroup.send(SIGKILL, to: pid)
            state.killed = true
            state.pollTimer?.cancel()
            state.pollTimer = nil
        }
    }

    private func drainExpired() {
        state.withLock { state in
            state.drainTimer?.cancel()
            state.drainTimer = nil
            for stream in 0..<2 {
                state.readers[stream]?.cancel()
                state.readers[stream] = nil
            }
        }
    }

    // MARK: Transitions

    private func beginTermination(_ state: inout State) {
        state.terminating = true
        ShellProcessGroup.send(SIGTERM, to: pid)
        state.killTimer = makeTimer(after: grace) { [self] in killFired() }
    }

    private func groupEnded(_ state: inout State) {
        state.groupGone = true
        state.pollTimer?.cancel()
        state.pollTimer = nil
        state.killTimer?.cancel()
        state.killTimer = nil
    }

    /// Applies `change`, then starts the drain deadline or finishes the run when due, and
    /// resumes the waiters outside the lock.
    private func settle(_ change: (inout State) -> Void) {
        let (result, waiters) = state.withLock { state -> (ShellResult?, [CheckedContinuation<ShellResult, Never>]) in
            change(&state)
            guard state.leaderEnded, state.groupGone || state.killed else { return (nil, []) }
            if state.openStreams > 0 {
                if state.drainTimer == nil {
                    state.drainTimer = makeTimer(after: grace) { [self] in drainExpired() }
                }
                return (nil, [])
            }
            guard state.result == nil else { return (nil, []) }
            for timer in [state.timeoutTimer, state.killTimer, state.pollTimer, state.drainTimer] {
                timer?.cancel()
            }
            (state.timeoutTimer, state.killTimer, state.pollTimer, state.drainTimer) = (nil, nil, nil, nil)
            let result = makeResult(state)
            state.result = result
            defer { state.waiters = [] }
            return (result, state.waiters)
        }
        if let result {
            for waiter in waiters { waiter.resume(returning: result) }
        }
    }

    private func makeResult(_ state: State) -> ShellResult {
        var exitCode: Int32?
        var signal: Int32?
        if let status = state.waitStatus {
            if status & 0x7F == 0 {
                exitCode = (status >> 8) & 0xFF
            } else {
                signal = status & 0x7F
            }
        }
        return ShellResult(
            exitCode: exitCode,
            signal: signal,
            timedOut: state.timedOut,
            cancelled: state.cancelled,
            terminatedLeftoverProcesses: state.leftovers,
            timeout: timeout,
            stdoutTail: state.tails[0].tail(),
            stderrTail: state.tails[1].tail(),
            duration: started.duration(to: .now)
        )
    }

    // MARK: Dispatch sources

    private func makeReader(_ stream: Int) -> any DispatchSourceRead {
        let descriptor = descriptors[stream]
        let reader = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        reader.setEventHandler { [self] in readAvailable(stream) }
        reader.setCancelHandler { [self] in
            close(descriptor)
            streamClosed()
        }
        reader.resume()
        return reader
    }

    private func makeTimer(
        after delay: Duration,
        repeating interval: Duration? = nil,
        _ handler: @escaping @Sendable () -> Void
    ) -> any DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(
            deadline: .now() + Self.interval(delay),
            repeating: interval.map(Self.interval) ?? .never
        )
        timer.setEventHandler(handler: handler)
        timer.resume()
        return timer
    }

    /// `duration` for Dispatch; beyond about 285 years (which nanoseconds cannot hold), never.
    private static func interval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        guard seconds < 9_000_000_000 else { return .never }
        return .nanoseconds(Int(max(0, seconds)) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}
