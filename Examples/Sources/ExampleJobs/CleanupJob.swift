import Foundation
import JobKit
import Logging

/// Removes files older than a number of days from a directory: a job whose parameters are
/// all optional (it runs from `{}`), and that stops when it loses its lock.
///
/// It is a dry run unless `"dryRun": false` is given, so trying the example deletes nothing.
public struct CleanupJob: NonOverlappingJob, Decodable {
    /// The directory to clean; the system's temporary directory when omitted.
    public var directory: String?
    /// How old a file must be to go, in days; 7 when omitted.
    public var olderThanDays: Int?
    /// Whether to only say what would be removed; `true` when omitted.
    public var dryRun: Bool?

    /// Creates a cleanup job.
    public init(directory: String? = nil, olderThanDays: Int? = nil, dryRun: Bool? = nil) {
        self.directory = directory
        self.olderThanDays = olderThanDays
        self.dryRun = dryRun
    }

    /// Deleting half a directory is fine, deleting while another machine also cleans is
    /// pointless: stop as soon as the lock is lost.
    public var cancelsOnLeaseLoss: Bool { true }

    public func runWorker(context: JobContext) async throws {
        let directory = URL(fileURLWithPath: directory ?? FileManager.default.temporaryDirectory.path)
        let cutoff = Date().addingTimeInterval(-Double(olderThanDays ?? 7) * 86_400)
        let dryRun = dryRun ?? true
        let files = try FileManager.default.contentsOfDirectory(
            at: directory, includingPropertiesForKeys: [.contentModificationDateKey, .isRegularFileKey]
        )
        var removed = 0
        for file in files {
            try Task.checkCancellation()   // the lock was lost, or the scheduler is stopping
            let values = try file.resourceValues(forKeys: [.contentModificationDateKey, .isRegularFileKey])
            guard values.isRegularFile == true, let modified = values.contentModificationDate, modified < cutoff else {
                continue
            }
            if !dryRun { try FileManager.default.removeItem(at: file) }
            removed += 1
        }
        context.logger.info(
            "\(dryRun ? "Would remove" : "Removed") \(removed) file(s) older than \(olderThanDays ?? 7) days from \(directory.path)."
        )
    }
}
