import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one thread per process that reads the output pipes of every running shell command and
/// notices each command's exit.
///
/// A thousand shell jobs due on one tick used to cost two thousand threads created and ended
/// (a reader and a `waitpid` per command), which took more of the scheduler's CPU than the
/// spawns themselves. This thread waits in one `poll` over every running command's two pipes
/// and its pidfd (`pidfd_open`, which becomes readable when the process exits, and is then
/// reaped with `waitpid`), plus a wake pipe that tells it of new commands and of pipes to give
/// up. Where `pidfd_open` is missing (not Linux, a kernel before 5.3, a sandbox refusing it)
/// a command's exit is awaited by a `waitpid` thread of its own, as before.
///
/// Only this thread reads and closes the registered descriptors, and each is taken off the
/// list before it is closed, so a descriptor number reused by the next command is never
/// mistaken for the old one. Dispatch read sources are not used: on Linux, libdispatch's
/// epoll loop crashed under many short-lived pipes whose descriptor numbers are reused at once.
final class ShellSupervisor: Sendable {
    /// The process's one supervisor.
    static let shared = ShellSupervisor()

    private enum Role {
        /// Output stream 0 (stdout) or 1 (stderr) of the command.
        case output(Int)
        /// The command's pidfd.
        case exit
    }

    private struct Entry {
        let process: ShellProcess
        let descriptor: Int32
        let role: Role
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextToken: UInt64 = 1
        var started = false
        var wakePending = false
        /// Commands whose pipes are to be given up: read what they hold, then closed.
        var givenUp: [ObjectIdentifier: ShellProcess] = [:]
    }

    private let state = Mutex(State())
    /// Writing a byte to `wake.write` ends the thread's `poll`.
    private let wake: (read: Int32, write: Int32)

    /// How many bytes one read takes from a pipe.
    private static let chunkSize = 64 * 1024
    /// How many reads from one pipe the thread makes before it looks at the others.
    private static let readsPerTurn = 16
    /// How many turns of reads a pipe given up still gets, to take what is buffered in it
    /// without chasing a writer forever.
    private static let finalTurns = 4

    private init() {
        var ends: [Int32] = [-1, -1]
        #if !canImport(Darwin)
        if let pipe2 = ShellLibC.pipe2 {
            _ = pipe2(&ends, O_CLOEXEC | O_NONBLOCK)
        } else {
            _ = pipe(&ends)
        }
        #else
        _ = pipe(&ends)
        #endif
        for end in ends where end >= 0 {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        wake = (ends[0], ends[1])
    }

    /// Starts watching `process`: its output pipes `stdout` and `stderr` (non-blocking; this
    /// object reads and closes them, and calls ``ShellProcess/streamEnded(_:)`` as each ends)
    /// and, when `pidfd` is not negative, its pidfd (closed once the process has exited and
    /// been reaped, then ``ShellProcess/reaped(_:)`` is called).
    func watch(_ process: ShellProcess, stdout: Int32, stderr: Int32, pidfd: Int32) {
        let start = state.withLock { state -> Bool in
            for (descriptor, role) in [(stdout, Role.output(0)), (stderr, Role.output(1)), (pidfd, Role.exit)] where descriptor >= 0 {
                state.entries[state.nextToken] = Entry(process: process, descriptor: descriptor, role: role)
                state.nextToken += 1
            }
            defer { state.started = true }
            return !state.started
        }
        if start {
            Thread.detachNewThread { [self] in loop() }
        } else {
            poke()
        }
    }

    /// Stops reading `process`'s pipes once what they hold now is read: its group is gone,
    /// but something outside it holds a pipe open. What the group wrote before it ended is
    /// still in the pipe; it is taken, then the pipes are closed.
    func giveUp(_ process: ShellProcess) {
        state.withLock { $0.givenUp[ObjectIdentifier(process)] = process }
        poke()
    }

    /// Wakes the thread from its `poll`, once for any number of calls until it looks.
    private func poke() {
        let needed = state.withLock { state -> Bool in
            defer { state.wakePending = true }
            return !state.wakePending
        }
        guard needed else { return }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    // MARK: The thread

    private func loop() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 1)
        defer { buffer.deallocate() }
        var tokens: [UInt64] = []
        var watched: [pollfd] = []
        var wakeBytes = [UInt8](repeating: 0, count: 64)
        while true {
            // Emptied before the list is read: a wake-up for anything added after this
            // reading leaves a byte in the pipe, which ends the next `poll` at once.
            while read(wake.read, &wakeBytes, wakeBytes.count) > 0 {}
            let givenUp = state.withLock { state -> [ShellProcess] in
                state.wakePending = false
                tokens.removeAll(keepingCapacity: true)
                watched.removeAll(keepingCapacity: true)
                for (token, entry) in state.entries {
                    tokens.append(token)
                    watched.append(pollfd(fd: entry.descriptor, events: Int16(POLLIN), revents: 0))
                }
                defer { state.givenUp = [:] }
                return Array(state.givenUp.values)
            }
            if !givenUp.isEmpty {
                finishGivenUp(givenUp, buffer: buffer)
                continue
            }
            watched.append(pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0))
            let ready = poll(&watched, nfds_t(watched.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                // Nothing sensible is left to do but to wait for a change and try again.
                usleep(10_000)
                continue
            }
            for index in 0..<tokens.count where watched[index].revents != 0 {
                handle(tokens[index], buffer: buffer)
            }
        }
    }

    private func handle(_ token: UInt64, buffer: UnsafeMutableRawBufferPointer) {
        guard let entry = state.withLock({ $0.entries[token] }) else { return }
        switch entry.role {
        case .output(let stream):
            if entry.process.drain(stream, from: entry.descriptor, into: buffer, reads: Self.readsPerTurn) == .ended {
                remove(token, entry)
                entry.process.streamEnded(stream)
            }
        case .exit:
            remove(token, entry)
            let pid = entry.process.pid
            var status: Int32 = 0
            var reaped: pid_t
            repeat { reaped = waitpid(pid, &status, WNOHANG) } while reaped == -1 && errno == EINTR
            if reaped == 0 {
                // Readable yet not reapable: not expected of a pidfd, but never lose an exit.
                Thread.detachNewThread { entry.process.awaitExit() }
                return
            }
            entry.process.reaped(reaped == pid ? status : nil)
        }
    }

    private func finishGivenUp(_ processes: [ShellProcess], buffer: UnsafeMutableRawBufferPointer) {
        let wanted = Set(processes.map(ObjectIdentifier.init))
        let streams = state.withLock { state in
            state.entries.filter { entry in
                guard case .output = entry.value.role else { return false }
                return wanted.contains(ObjectIdentifier(entry.value.process))
            }
        }
        for (token, entry) in streams {
            guard case .output(let stream) = entry.role else { continue }
            for _ in 0..<Self.finalTurns {
                guard entry.process.drain(stream, from: entry.descriptor, into: buffer, reads: Self.readsPerTurn) == .more
                else { break }
            }
            remove(token, entry)
            entry.process.streamEnded(stream)
        }
    }

    /// Takes the entry off the list, then closes its descriptor.
    private func remove(_ token: UInt64, _ entry: Entry) {
        _ = state.withLock { $0.entries.removeValue(forKey: token) }
        close(entry.descriptor)
    }
}
