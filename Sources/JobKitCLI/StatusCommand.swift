import ArgumentParser
import Foundation
import JobKit

/// `jobkit status [JOB] [--json]`: every job with its next ticks, last run, last success,
/// failures in a row, and who runs it now. Reads only.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each job: schedule, next ticks, last run, last success, failures in a row, who runs it now.",
        discussion: "Reads the store's run ledger and locks; never creates or changes anything. Exit status: 0, or 1 when the jobs file or the store cannot be read."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Show only this job.")
    var job: String?

    @Flag(help: "Print one JSON object {\"jobs\": [...]} instead of a table.")
    var json = false

    @Option(help: "The jobs file. Default: jobs.json, or jobs.example.json when there is none.")
    var config: String?

    func run() async throws {
        let path = config ?? (FileManager.default.fileExists(atPath: "jobs.json") ? "jobs.json" : "jobs.example.json")
        let file = try JobsFileChoice.load(path)
        var jobs = file.jobs
        if let job {
            jobs = jobs.filter { $0.name == job }
            guard !jobs.isEmpty else { throw UnknownJobError(job: job, file: path, known: file.jobs.map(\.name)) }
        }
        let store = try LockStoreURL.makeStore(options.storeURL(fromFile: file.database), opening: .existingOnly)
        let report = try await JobStatusReport.read(jobs, from: store)
        print(json ? try LedgerOutput.json(report) : Self.table(report))
    }

    static func table(_ report: JobStatusReport) -> String {
        let header = ["JOB", "TYPE", "SCHEDULE", "NEXT", "LAST RUN", "OWNER", "OUTCOME", "MS", "LAST SUCCESS", "FAILS", "RUNNING NOW", "PAUSED"]
        let rows = report.jobs.map(row)
        return TextTable(header: header, rows: rows).rendered
    }

    private static func row(_ job: JobStatus) -> [String] {
        let name: String = job.isEnabled ? job.name : job.name + " (disabled)"
        let next: String = job.nextTicks.first?.jobKitTimestamp ?? "-"
        var last: [String] = ["-", "-", "-", "-"]
        if let run = job.lastRun {
            let duration: String = run.durationMilliseconds.map { String($0) } ?? "-"
            let kind = run.kind == .scheduled ? "" : " (\(run.kind))"
            last = [(run.tick ?? run.startedAt).jobKitTimestamp + kind, run.owner, run.outcome.name, duration]
        }
        let success: String = job.lastSuccessAt?.jobKitTimestamp ?? "-"
        var running = "-"
        if let holder = job.running {
            running = "\(holder.owner) (token \(holder.token)) since \(holder.since.jobKitTimestamp)"
        }
        var paused = "-"
        if let pause = job.pause {
            paused = "by \(pause.pausedBy) since \(pause.pausedAt.jobKitTimestamp)" + (pause.reason.map { ": \($0)" } ?? "")
        }
        return [name, job.type, job.schedule, next] + last + [success, String(job.consecutiveFailures), running, paused]
    }
}
