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
/// Nothing blocks Swift's cooperative thread pool. Two threads of its own serve each
/// command: one blocks in `waitpid`, the other reads both pipes (`poll`, then non-blocking
/// reads until the pipe is empty), so the child never blocks on a full pipe. Decisions
/// (timeouts, signals, finishing) run on one serial Dispatch queue, driven by Dispatch
/// timers. Dispatch read sources are not used: on Linux, libdispatch's epoll loop crashed
/// under many short-lived pipes whose descriptor numbers are reused at once.
///
/// The run is finished when the command has exited, its group is gone (no live member, or
/// `SIGKILL` was sent after the grace), and both pipes are at their end (or were given up a
/// grace after the group ended, for a process that left the group but holds them).
final class ShellProcess: Sendable {
    /// The child's pid, which is also its process group's id.
    let pid: pid_t
    /// The value of ``ShellCommand/runVariable`` every process of this run inherits.
    let marker: String
    private let descriptors: [Int32]
    private let queue: DispatchQueue
    private let grace: Duration
    private let timeout: Duration?
    private let started: ContinuousClock.Instant
    private let state: Mutex<State>

    private struct State {
        var tails: [ShellOutputCollector]
        var outputOpen = true
        var stopReading = false
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
    /// How long the reader waits in `poll` before looking whether it should give up.
    private static let readerWakeMilliseconds: Int32 = 100
    /// How many bytes one read takes from a pipe.
    private static let chunkSize = 64 * 1024
    /// How many reads from one pipe the reader makes before it looks at the other.
    private static let readsPerTurn = 16
    /// How many turns of reads a pipe given up still gets, to take what is buffered in it
    /// without chasing a writer forever.
    private static let finalTurns = 4

    /// Starts supervising the child `pid`, whose stdout and stderr are the read ends
    /// `stdout` and `stderr` (which this object closes).
    init(pid: pid_t, marker: String, stdout: Int32, stderr: Int32, command: ShellCommand) {
        self.pid = pid
        self.marker = marker
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
        if let timeout {
            queue.async { [self] in
                state.withLock { state in
                    guard !state.leaderEnded else { return }
                    state.timeoutTimer = makeTimer(after: timeout) { [self] in timeoutFired() }
                }
            }
        }
        Thread.detachNewThread { [self] in readOutput() }
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

    // MARK: The reader thread

    /// Reads both pipes to their end, or until told to give up, then closes them.
    private func readOutput() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 1)
        defer { buffer.deallocate() }
        var open = [true, true]
        while open[0] || open[1], !state.withLock({ $0.stopReading }) {
            var watched = (0..<2).map { pollfd(fd: open[$0] ? descriptors[$0] : -1, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&watched, nfds_t(watched.count), Self.readerWakeMilliseconds)
            if ready < 0, errno != EINTR { break }
            for stream in 0..<2 where open[stream] && watched[stream].revents != 0 {
                open[stream] = drain(stream, into: buffer) != .ended
            }
        }
        // Told to give up: the group is gone, but something outside it holds a pipe open.
        // What the group wrote before it ended is still in the pipe; take it.
        for stream in 0..<2 where open[stream] {
            for _ in 0..<Self.finalTurns {
                guard drain(stream, into: buffer) == .more else { break }
            }
        }
        for descriptor in descriptors { close(descriptor) }
        queue.async { [self] in outputClosed() }
    }

    private enum Drained { case empty, more, ended }

    /// Reads what a pipe holds, up to ``readsPerTurn`` chunks: `.empty` when it holds no
    /// more for now, `.more` when the turn ended first, `.ended` at its end.
    private func drain(_ stream: Int, into buffer: UnsafeMutableRawBufferPointer) -> Drained {
        var reads = 0
        while reads < Self.readsPerTurn {
            let count = read(descriptors[stream], buffer.baseAddress, buffer.count)
            if count > 0 {
                reads += 1
                state.withLock { $0.tails[stream].append(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
            } else if count == 0 {
                return .ended
            } else if errno != EINTR {
                return errno == EAGAIN || errno == EWOULDBLOCK ? .empty : .ended
            }
        }
        return .more
    }

    // MARK: Events, all on `queue`

    /// The reader closed both pipes.
    private func outputClosed() {
        settle { state in
            state.outputOpen = false
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
            endEscapedDescendants()
            state.pollTimer?.cancel()
            state.pollTimer = nil
        }
    }

    private func drainExpired() {
        state.withLock { state in
            state.drainTimer?.cancel()
            state.drainTimer = nil
            state.stopReading = true
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
        endEscapedDescendants()
        state.pollTimer?.cancel()
        state.pollTimer = nil
        state.killTimer?.cancel()
        state.killTimer = nil
    }

    /// Ends the processes of this run that left its group (see ``ShellDescendants``), so
    /// a daemon the command started neither outlives the run nor holds its pipes open.
    ///
    /// The search reads every process's environment, which takes milliseconds on a busy
    /// machine: it runs on a queue of its own and is shared by the runs that end together,
    /// so the run's result (the job's end, its release, the next tick) never waits for it. A
    /// daemon holding the run's pipes keeps the run open until it is ended, as before.
    private func endEscapedDescendants() {
        ShellDescendants.terminateSoon(marker: marker, grace: grace)
    }

    /// Applies `change`, then starts the drain deadline or finishes the run when due, and
    /// resumes the waiters outside the lock.
    private func settle(_ change: (inout State) -> Void) {
        let (result, waiters) = state.withLock { state -> (ShellResult?, [CheckedContinuation<ShellResult, Never>]) in
            change(&state)
            guard state.leaderEnded, state.groupGone || state.killed else { return (nil, []) }
            if state.outputOpen {
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
