import Dispatch
import Foundation
import JobKit

/// What the status page shows, read in one go: the status report (as `/api/status`), each
/// job's recent runs, the locks, and the scheduler's health.
struct StatusPageData: Sendable {
    /// How many recent runs of each job the page shows.
    static let recentRuns = 10

    var generatedAt: Date
    var store: String
    var health: SchedulerHealth
    var report: JobStatusReport?
    var recent: [String: [RunRecord]]
    var locks: [LockState]
    /// Why the store could not be read, when it could not.
    var error: String?

    /// Reads the page's data on a Dispatch thread of its own (the store's calls block; a
    /// serial queue of its own gets a thread even when others are blocked).
    static func read(jobs: [JobDefinition], store: any LockStore, scheduler: Scheduler) async -> StatusPageData {
        let health = scheduler.health
        return await withCheckedContinuation { continuation in
            DispatchQueue(label: "jobkit.status-page").async {
                let now = Date()
                var data = StatusPageData(
                    generatedAt: now, store: store.description, health: health, report: nil, recent: [:], locks: []
                )
                do {
                    data.report = try JobStatusReport.read(jobs, from: store, at: now)
                    for job in jobs {
                        data.recent[job.name] = try store.runs(of: job.name, limit: recentRuns)
                    }
                    data.locks = try store.locks()
                } catch {
                    data.error = "\(error)"
                }
                continuation.resume(returning: data)
            }
        }
    }
}
