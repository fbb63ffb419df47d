import Foundation

/// A tmpfs of a few hundred kilobytes mounted for one test, to run a store on a volume that
/// fills up. Mounting needs root (or CAP_SYS_ADMIN); ``canMount`` says whether this machine
/// allows it, and tests that need a small volume are skipped where it does not.
final class SmallVolume: Sendable {
    /// Where the volume is mounted.
    let path: String

    /// Mounts a tmpfs of `kilobytes` at `path` (created if needed).
    init(at path: String, kilobytes: Int) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.command("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0777", "tmpfs", path])
        self.path = path
    }

    /// Whether a tmpfs can be mounted here: tried once, on a scratch directory.
    static let canMount: Bool = {
        guard geteuid() == 0 else { return false }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("jobkit-mount-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        guard let volume = try? SmallVolume(at: scratch, kilobytes: 64) else { return false }
        volume.unmount()
        return true
    }()

    /// Writes a file until the volume is full, and returns its path.
    func fill() -> String {
        let filler = path + "/filler"
        let descriptor = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return filler }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0x55, count: 4096)
        while chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        return filler
    }

    /// The bytes free on the volume.
    var freeBytes: Int {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return -1 }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    /// Unmounts the volume (lazily, should a process still have a file open on it).
    func unmount() {
        try? Self.command("/bin/umount", ["-l", path])
    }

    deinit { unmount() }

    private static func command(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(executable) \(arguments) failed"])
        }
    }
}
