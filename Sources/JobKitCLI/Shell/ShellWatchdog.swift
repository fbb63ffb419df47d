import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Kills the running jobs' process groups if the scheduler dies, however it dies.
///
/// A `shell` job runs in a process group of its own, so `kill -9` of the scheduler would
/// leave it running while another machine, once the heartbeat window passes, starts the next
/// run beside it. The watchdog is one small process per scheduler process (an `awk` under
/// `sh`) that reads a socket whose only other end the scheduler holds (close-on-exec, so no
/// child inherits it). Each job writes `+ MARKER` before it is spawned, `+ MARKER GROUP` once
/// its process group is known, and `- MARKER` when it has ended; when the scheduler dies, the
/// kernel closes its end, the read ends, and the watchdog terminates every group still listed
/// (SIGTERM, then SIGKILL after two seconds, as on a timeout) and every process carrying a
/// listed run's marker (`JOBKIT_RUN`, which every process of the job inherits: see
/// `ShellDescendants`), also a job killed between its spawn and the line naming its group.
///
/// One watchdog for all the jobs, not one per job: a thousand shell jobs due on one tick then
/// cost a thousand spawns, not two thousand. A job's end is written before anything else can
/// reuse its group id (its group is gone, and its leader was reaped just before), and lines are
/// read in order, so the watchdog never acts on a group id the system may have reused. A
/// watchdog that died (killed by hand) is replaced at the next job's start, which lists every
/// running job again.
final class ShellWatchdog: Sendable {
    /// The process's one watchdog.
    static let shared = ShellWatchdog()

    private struct State {
        var pid: pid_t = 0
        var socket: Int32 = -1
        /// The running jobs' run markers, with their process groups once known (0 before).
        var live: [String: pid_t] = [:]
    }

    private let state = Mutex(State())

    /// What the watchdog runs: keep the list of live runs from the lines read, and at the end
    /// of input end every group left on it and every process carrying one of its markers.
    static let script = #"""
        exec awk '
        $1 == "+" { live[$2] = ($3 == "" ? 0 : $3); next }
        $1 == "-" { delete live[$2]; next }
        END {
            for (m in live) { markers = markers " -e JOBKIT_RUN=" m; if (live[m] > 0) groups = groups " -" live[m] }
            if (markers == "") exit
            strays = "for f in /proc/[0-9]*/environ; do tr \"\\0\" \"\\n\" 2>/dev/null < \"$f\" | grep -qxF" markers " && { p=${f#/proc/}; echo ${p%/environ}; }; done"
            system("kill -15" groups " $(" strays ") 2>/dev/null; sleep 2; kill -9" groups " $(" strays ") 2>/dev/null")
        }'
        """#

    /// The pid of the watchdog process, 0 before the first job (for tests).
    var pid: pid_t { state.withLock { $0.pid } }

    /// Lists the run `marker` with the watchdog (and its process `group`, once spawned),
    /// starting one when there is none or it died. A job whose watchdog cannot start runs
    /// without one, as it would have anyway.
    func watch(_ marker: String, group: pid_t = 0) {
        state.withLock { state in
            state.live[marker] = group
            if state.socket >= 0, Self.deliver(Self.line(marker, group), to: state.socket) { return }
            restart(&state)
        }
    }

    /// Takes the run `marker` off the list: its job ended (or never started).
    func release(_ marker: String) {
        state.withLock { state in
            guard state.live.removeValue(forKey: marker) != nil, state.socket >= 0 else { return }
            _ = Self.deliver("- \(marker)\n", to: state.socket)
        }
    }

    private static func line(_ marker: String, _ group: pid_t) -> String {
        group > 0 ? "+ \(marker) \(group)\n" : "+ \(marker)\n"
    }

    /// Starts a new watchdog (reaping the old one, if any) and lists every live group with it.
    private func restart(_ state: inout State) {
        if state.socket >= 0 {
            close(state.socket)
            state.socket = -1
        }
        if state.pid > 0 {
            kill(state.pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(state.pid, &status, 0) == -1 && errno == EINTR {}
            state.pid = 0
        }
        guard let (pid, socket) = Self.spawn() else { return }
        state.pid = pid
        state.socket = socket
        let lines = state.live.map { Self.line($0.key, $0.value) }.joined()
        if !Self.deliver(lines, to: socket) {
            close(socket)
            state.socket = -1
        }
    }

    /// Writes `text` whole; false when the watchdog is gone. Never raises `SIGPIPE`.
    private static func deliver(_ text: String, to socket: Int32) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Self.noSignal) }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            bytes = bytes.dropFirst(sent)
        }
        return true
    }

    #if canImport(Darwin)
    private static let noSignal: Int32 = 0   // SO_NOSIGPIPE would be the way there
    private static let streamCloseOnExec = SOCK_STREAM
    #else
    private static let noSignal = Int32(MSG_NOSIGNAL)
    private static let streamCloseOnExec = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    #endif

    /// Spawns the watchdog reading one end of a new socket pair; answers its pid and the other end.
    private static func spawn() -> (pid_t, Int32)? {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, streamCloseOnExec, 0, &ends) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        #if !canImport(Darwin)
        if let addCloseFrom = ShellLibC.addCloseFrom { _ = addCloseFrom(&actions, 3) }
        #endif
        // A group of its own: terminating a job's group must not take the watchdog with it.
        ShellCommand.startInGroupOfItsOwn(&attributes)
        var pid: pid_t = 0
        let arguments = ["jobkit-watchdog", "-c", script]
        let failure = ShellCommand.withCStringArray(arguments) { argv in
            ShellCommand.withCStringArray(["PATH=/usr/bin:/bin"]) { envp in
                posix_spawn(&pid, ShellCommand.shellPath, &actions, &attributes, argv, envp)
            }
        }
        close(ends[0])
        guard failure == 0 else {
            close(ends[1])
            return nil
        }
        return (pid, ends[1])
    }
}
