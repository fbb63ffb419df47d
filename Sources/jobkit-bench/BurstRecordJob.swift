import Foundation
import JobKit

/// The in-process job of `jobkit-bench burst`: records its start and end in the fleet's
/// record file in ``FleetRecordScript``'s format (one `write` with `O_APPEND` per line), so
/// the scheduler is measured, not `fork`.
struct BurstRecordJob: NonOverlappingJob, Decodable {
    /// The job type name the worker registers.
    static let typeName = "burst-record"

    /// The fleet's record file.
    var recordFile: String
    /// How long a run takes, in seconds.
    var seconds: Double

    enum CodingKeys: String, CodingKey {
        case recordFile = "record_file"
        case seconds
    }

    func runWorker(context: JobContext) async throws {
        record("start", context, "-")
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
        record("end", context, "ok")
    }

    private func record(_ kind: String, _ context: JobContext, _ reason: String) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let microseconds = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
        let tick = context.tick?.jobKitTimestamp ?? "-"
        let line = "\(kind) \(context.jobName) \(tick) \(context.lease.token) \(microseconds) \(getpid()) \(reason)\n"
        let descriptor = open(recordFile, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        line.utf8CString.withUnsafeBufferPointer { buffer in
            _ = write(descriptor, buffer.baseAddress, buffer.count - 1)
        }
    }
}
