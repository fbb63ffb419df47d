import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds and ends the processes a shell command left behind outside its process group: a
/// daemon started with `setsid`, a double fork, anything that moved to a group or session of
/// its own and so escapes a signal to the job's group.
///
/// Every command is spawned with a variable unique to its run, ``ShellCommand/runVariable``
/// (`JOBKIT_RUN`), which its descendants inherit whatever group or session they move to. When
/// the run ends (its group is gone, after an exit, a timeout or a cancellation) every live
/// process whose environment holds that entry gets SIGTERM, and SIGKILL after the command's
/// grace; the watchdog does the same when the scheduler dies. Reading `/proc/PID/environ`
/// works for processes of the same user, and the environment a process started with is what
/// it shows, even after it changed its own variables.
///
/// Why not the alternatives: as a child subreaper (`PR_SET_CHILD_SUBREAPER`) the scheduler
/// would inherit orphans from every job at once with nothing saying which job each came from,
/// would have to reap children it did not start (racing the `waitpid` of each job's leader),
/// and would do nothing once the scheduler itself is killed. A cgroup per run needs a
/// delegated cgroup tree, which containers and unprivileged users rarely have. What escapes
/// this: a descendant that replaces its environment (`env -i`, `exec -c`) or changes to
/// another user; on Linux, running the scheduler as a systemd service with its default
/// `KillMode=control-group` ends those too when the scheduler stops.
enum ShellDescendants {
    private static let counter = Atomic<Int>(0)

    /// A value for ``ShellCommand/runVariable`` no other run of any process shares.
    static func newMarker() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        return "\(getpid())-\(count)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The live processes, other than this one, whose environment holds `JOBKIT_RUN=marker`.
    static func find(marker: String) -> [pid_t] {
        #if os(Linux)
        let entry = Array("\(ShellCommand.runVariable)=\(marker)".utf8)
        let me = getpid()
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var found: [pid_t] = []
        while let item = readdir(directory) {
            var name = item.pointee.d_name
            let pid: pid_t? = withUnsafeBytes(of: &name) { bytes in
                var value: pid_t = 0
                for byte in bytes {
                    if byte == 0 { break }
                    guard (0x30...0x39).contains(byte), value < pid_t.max / 10 else { return nil }
                    value = value * 10 + pid_t(byte - 0x30)
                }
                return value > 0 ? value : nil
            }
            guard let pid, pid != me, environment(of: pid, contains: entry) else { continue }
            found.append(pid)
        }
        return found
        #else
        return []
        #endif
    }

    /// Sends SIGTERM to every process of the run `marker`, and SIGKILL to those still there
    /// after `grace`. Returns how many got SIGTERM.
    @discardableResult
    static func terminate(marker: String, grace: Duration) -> Int {
        let first = find(marker: marker)
        guard !first.isEmpty else { return 0 }
        for pid in first { kill(pid, SIGTERM) }
        let nanoseconds = Int(grace.components.seconds) * 1_000_000_000 + Int(grace.components.attoseconds / 1_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
            for pid in find(marker: marker) { kill(pid, SIGKILL) }
        }
        return first.count
    }

    #if os(Linux)
    /// Whether `/proc/PID/environ` has the NUL-terminated entry `entry`.
    private static func environment(of pid: pid_t, contains entry: [UInt8]) -> Bool {
        let descriptor = open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while contents.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            contents.append(contentsOf: buffer[0..<count])
        }
        return contents.split(separator: 0, omittingEmptySubsequences: true).contains { $0.elementsEqual(entry) }
    }
    #endif
}
