import Foundation
import JobKit
import Logging

/// Builds a report and "sends" it to its recipients: a job with parameters.
///
/// Its parameters, as a jobs file gives them:
///
/// ```json
/// { "recipients": ["ops@example.com"], "title": "Nightly figures" }
/// ```
public struct ReportJob: NonOverlappingJob, Decodable {
    /// Who gets the report. Required.
    public var recipients: [String]
    /// The report's title; "Daily report" when omitted.
    public var title: String?

    /// Creates a report job.
    public init(recipients: [String], title: String? = nil) {
        self.recipients = recipients
        self.title = title
    }

    /// A fixed name, so the lock id stays the same if the type is renamed or moved.
    public static var jobTypeName: String { "examples.report" }

    public func runWorker(context: JobContext) async throws {
        let title = title ?? "Daily report"
        context.logger.info(
            "Building \"\(title)\".",
            metadata: ["report.recipients": .array(recipients.map { .string($0) })]
        )
        try await Task.sleep(for: .milliseconds(200))   // stands in for the real work
        for recipient in recipients {
            // Pass the fencing token with every write to a shared resource: a resource that
            // remembers the highest token it has seen can refuse a holder that lost its lock.
            context.logger.info("Sending \"\(title)\" to \(recipient) with fencing token \(context.lease.token).")
        }
    }
}
