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

    /// The runs whose leftovers are waiting for the next sweep, with each run's grace; and
    /// whether a sweep is under way.
    private struct Sweeps {
        var pending: [String: Duration] = [:]
        var sweeping = false
    }

    private static let sweeps = Mutex(Sweeps())
    private static let sweeper = DispatchQueue(label: "jobkit.shell.descendants", qos: .utility)

    /// Ends, soon and off the caller's thread, every process of the run `marker` (SIGTERM,
    /// and SIGKILL to those still there after `grace`).
    ///
    /// Reading every process's environment takes milliseconds on a busy machine, so runs that
    /// end together share one sweep of `/proc`: a thousand shell jobs ending on the same tick
    /// cost a pass or two over the process table, not a thousand.
    static func terminateSoon(marker: String, grace: Duration) {
        let start = sweeps.withLock { sweeps in
            sweeps.pending[marker] = grace
            defer { sweeps.sweeping = true }
            return !sweeps.sweeping
        }
        if start { sweeper.async { sweep() } }
    }

    /// The least time from the start of one sweep to the start of the next: when runs keep
    /// ending (a thousand jobs of one tick end over a second or so), they wait for the next
    /// sweep together rather than keep a core reading `/proc` while the tick's other jobs
    /// are being started.
    static let sweepSpacing: Duration = .milliseconds(100)

    /// Sweeps for the runs pending, then again, no sooner than ``sweepSpacing`` after this
    /// sweep started, for those that ended meanwhile, until none is pending.
    private static func sweep() {
        let started = DispatchTime.now()
        let runs = sweeps.withLock { sweeps in
            defer { sweeps.pending = [:] }
            return sweeps.pending
        }
        for (marker, pids) in find(markers: Set(runs.keys)) {
            for pid in pids { kill(pid, SIGTERM) }
            let grace = runs[marker] ?? .zero
            sweeper.asyncAfter(deadline: .now() + nanoseconds(grace)) {
                for pid in find(markers: [marker])[marker] ?? [] { kill(pid, SIGKILL) }
            }
        }
        let again = sweeps.withLock { sweeps in
            if sweeps.pending.isEmpty { sweeps.sweeping = false }
            return sweeps.sweeping
        }
        if again { sweeper.asyncAfter(deadline: started + nanoseconds(sweepSpacing)) { sweep() } }
    }

    private static func nanoseconds(_ duration: Duration) -> DispatchTimeInterval {
        .nanoseconds(Int(duration.components.seconds) * 1_000_000_000 + Int(duration.components.attoseconds / 1_000_000_000))
    }

    /// The live processes, other than this one, whose environment holds `JOBKIT_RUN=` one of
    /// `markers`, by marker; one read of each process's environment whatever the number of
    /// markers.
    static func find(markers: Set<String>) -> [String: [pid_t]] {
        #if os(Linux)
        let prefix = Array("\(ShellCommand.runVariable)=".utf8)
        let wanted = Set(markers.map { Array($0.utf8) })
        let me = getpid()
        guard !wanted.isEmpty, let directory = opendir("/proc") else { return [:] }
        defer { closedir(directory) }
        var found: [String: [pid_t]] = [:]
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
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
            guard let pid, pid != me, let marker = runMarker(of: pid, prefix: prefix, buffer: &buffer),
                wanted.contains(marker)
            else { continue }
            found[String(decoding: marker, as: UTF8.self), default: []].append(pid)
        }
        return found
        #else
        return [:]
        #endif
    }

    #if os(Linux)
    /// The value of the entry starting with `prefix` (`JOBKIT_RUN=`) in `/proc/PID/environ`,
    /// if any: read into `buffer` (grown to at most a MiB) and searched in place.
    private static func runMarker(of pid: pid_t, prefix: [UInt8], buffer: inout [UInt8]) -> [UInt8]? {
        let descriptor = open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var length = 0
        while length < 1 << 20 {
            if length == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + length, $0.count - length) }
            guard count > 0 else { break }
            length += count
        }
        return buffer.withUnsafeBufferPointer { bytes -> [UInt8]? in
            var start = 0
            while start < length {
                var end = start
                while end < length, bytes[end] != 0 { end += 1 }
                if end - start >= prefix.count,
                    prefix.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress! + start, prefix.count) == 0 })
                {
                    return Array(bytes[(start + prefix.count)..<end])
                }
                start = end + 1
            }
            return nil
        }
    }
    #endif
}
