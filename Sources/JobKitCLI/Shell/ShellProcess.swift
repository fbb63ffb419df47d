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
/// Nothing blocks Swift's cooperative thread pool. The process's one ``ShellSupervisor``
/// thread reads both pipes (`poll`, then non-blocking reads until the pipe is empty), so the
/// child never blocks on a full pipe, and notices the exit through the child's pidfd (where
/// there is none, a thread of the command's own blocks in `waitpid`). Decisions (timeouts,
/// signals, finishing) run on one serial Dispatch queue, driven by Dispatch timers.
///
/// The run is finished when the command has exited, its group is gone (no live member, or
/// `SIGKILL` was sent after the grace), and both pipes are at their end (or were given up a
/// grace after the group ended, for a process that left the group but holds them).
final class ShellProcess: Sendable {
    /// The child's pid, which is also its process group's id.
    let pid: pid_t
    /// The value of ``ShellCommand/runVariable`` every process of this run inherits.
    let marker: String
    private let queue: DispatchQueue
    private let grace: Duration
    private let timeout: Duration?
    private let started: ContinuousClock.Instant
    private let state: Mutex<State>

    private struct State {
        var tails: [ShellOutputCollector]
        var outputOpen = true
        /// The output streams not yet at their end (or given up).
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

    /// Starts supervising the child `pid`, whose stdout and stderr are the read ends
    /// `stdout` and `stderr`, and whose pidfd is `pidfd` (-1 when there is none); the
    /// ``ShellSupervisor`` reads and closes them.
    init(pid: pid_t, marker: String, stdout: Int32, stderr: Int32, pidfd: Int32, command: ShellCommand) {
        self.pid = pid
        self.marker = marker
        queue = DispatchQueue(label: "jobkit.shell.\(pid)")
        grace = command.terminationGrace
        timeout = command.timeout
        started = .now
        let collector = ShellOutputCollector(
            lineLimit: command.tailLineLimit, lineByteLimit: command.tailLineByteLimit
        )
        state = Mutex(State(tails: [collector, collector]))
        for descriptor in [stdout, stderr] {
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
        ShellSupervisor.shared.watch(self, stdout: stdout, stderr: stderr, pidfd: pidfd)
        if pidfd < 0 {
            Thread.detachNewThread { [self] in awaitExit() }
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

    // MARK: Called by the supervisor's thread

    /// What a turn of reads found in a pipe.
    enum Drained { case empty, more, ended }

    /// Reads what the pipe of `stream` (0 stdout, 1 stderr) at `descriptor` holds, up to
    /// `reads` chunks: `.empty` when it holds no more for now, `.more` when the turn ended
    /// first, `.ended` at its end.
    func drain(_ stream: Int, from descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, reads limit: Int) -> Drained {
        var reads = 0
        while reads < limit {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
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

    /// The pipe of `stream` is at its end, or was given up, and is closed.
    func streamEnded(_ stream: Int) {
        let closed = state.withLock { state in
            state.openStreams -= 1
            return state.openStreams == 0
        }
        if closed { queue.async { [self] in outputClosed() } }
    }

    /// The child was reaped with wait status `status` (`nil` when someone else reaped it).
    func reaped(_ status: Int32?) {
        queue.async { [self] in leaderExited(status) }
    }

    /// Blocks in `waitpid` until the child exits, then reports it: for a child without a pidfd.
    func awaitExit() {
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(pid, &status, 0) } while reaped == -1 && errno == EINTR
        self.reaped(reaped == pid ? status : nil)
    }

    // MARK: Events, all on `queue`

    /// The supervisor closed both pipes.
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
        }
        ShellSupervisor.shared.giveUp(self)
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
