import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Kills a running job's whole process group if the scheduler dies, however it dies.
///
/// A `shell` job runs in a process group of its own, so `kill -9` of the scheduler would
/// leave it running while another machine, once the heartbeat window passes, starts the next
/// run beside it. The watchdog is a small `sh` that blocks reading a pipe whose only write
/// end the scheduler holds (close-on-exec, so no other child inherits it). When the scheduler
/// dies, the kernel closes that end, the read ends, and the watchdog terminates the group
/// (SIGTERM, then SIGKILL after two seconds, as on a timeout). When
/// the job ends normally, ``stop()`` kills and reaps the watchdog first, so it never acts on
/// a process group id the system may have reused.
final class ShellWatchdog: Sendable {
    private let pid: pid_t
    private let lifeline: Int32

    private init(pid: pid_t, lifeline: Int32) {
        self.pid = pid
        self.lifeline = lifeline
    }

    /// What the watchdog runs: wait for the lifeline to close, then end the group `$1` as a
    /// timeout would (SIGTERM, and SIGKILL two seconds later), and with it every process
    /// whose environment holds `JOBKIT_RUN=$2` (those that left the group; see
    /// `ShellDescendants`).
    static let script = #"""
        m="JOBKIT_RUN=$2"
        strays() { for f in /proc/[0-9]*/environ; do tr '\0' '\n' 2>/dev/null < "$f" | grep -qxF "$m" && { p=${f#/proc/}; echo "${p%/environ}"; }; done; }
        while read -r _; do :; done
        kill -15 -"$1" 2>/dev/null; kill -15 $(strays) 2>/dev/null
        sleep 2
        kill -9 -"$1" 2>/dev/null; kill -9 $(strays) 2>/dev/null
        """#

    /// Starts a watchdog for the process group `group`; nil when it cannot (the job then runs
    /// without one, as it would have anyway).
    static func start(guarding group: pid_t, marker: String, for command: ShellCommand) -> ShellWatchdog? {
        guard let lifeline = try? command.makePipe() else { return nil }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawn_file_actions_adddup2(&actions, lifeline.read, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        #if !canImport(Darwin)
        if let addCloseFrom = ShellLibC.addCloseFrom { _ = addCloseFrom(&actions, 3) }
        #endif
        // A group of its own: terminating the job's group must not take the watchdog first.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let arguments = ["jobkit-watchdog", "-c", script, "jobkit-watchdog", String(group), marker]
        let failure = ShellCommand.withCStringArray(arguments) { argv in
            ShellCommand.withCStringArray(["PATH=/usr/bin:/bin"]) { envp in
                posix_spawn(&pid, ShellCommand.shellPath, &actions, &attributes, argv, envp)
            }
        }
        close(lifeline.read)
        guard failure == 0 else {
            close(lifeline.write)
            return nil
        }
        return ShellWatchdog(pid: pid, lifeline: lifeline.write)
    }

    /// Ends the watchdog without letting it act: kill it, reap it, then drop the lifeline.
    func stop() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        close(lifeline)
    }
}
