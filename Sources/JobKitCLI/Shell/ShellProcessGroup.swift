#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A process group a shell command runs in: signalling it, and telling whether any process
/// of it is still alive.
enum ShellProcessGroup {
    /// Sends `signal` to every process of the group `id`.
    static func send(_ signal: Int32, to id: pid_t) {
        _ = kill(-id, signal)
    }

    /// Whether any process of the group `id` is alive.
    ///
    /// A zombie does not count: `kill(-id, 0)` succeeds as long as a zombie of the group is
    /// unreaped, and orphans are reaped by PID 1, which in some containers never reaps. On
    /// Linux a group that `kill` reports as present is therefore confirmed by looking for a
    /// member in `/proc` that is not a zombie; elsewhere `kill` is trusted.
    static func hasLiveMembers(_ id: pid_t) -> Bool {
        if kill(-id, 0) == -1 { return errno != ESRCH }
        #if os(Linux)
        guard let directory = opendir("/proc") else { return true }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            var name = entry.pointee.d_name
            let pid: pid_t? = withUnsafeBytes(of: &name) { bytes in
                var value: pid_t = 0
                for byte in bytes {
                    if byte == 0 { break }
                    guard (0x30...0x39).contains(byte), value < pid_t.max / 10 else { return nil }
                    value = value * 10 + pid_t(byte - 0x30)
                }
                return value > 0 ? value : nil
            }
            guard let pid, let member = status(of: pid), member.group == id else { continue }
            if member.state != UInt8(ascii: "Z"), member.state != UInt8(ascii: "X") { return true }
        }
        return false
        #else
        return true
        #endif
    }

    #if os(Linux)
    /// The state letter and process group of `pid`, read from `/proc/PID/stat`.
    private static func status(of pid: pid_t) -> (state: UInt8, group: pid_t)? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        // "PID (COMM) STATE PPID PGRP …"; COMM may hold spaces and parentheses, so fields
        // are counted from the last ")".
        let bytes = buffer[0..<count]
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 2, let state = fields[0].first,
              let group = pid_t(String(decoding: fields[2], as: UTF8.self)) else { return nil }
        return (state, group)
    }
    #endif
}
