import ArgumentParser
import Foundation
import JobKit

/// `jobkit history JOB [--limit N] [--json]`: a job's runs, newest first. Reads only.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show a job's runs from the run ledger, newest first: tick, owner, token, times, outcome.",
        discussion: "Never creates or changes anything. Exit status: 0, or 1 when the store cannot be read."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The job's name.")
    var job: String

    @Option(help: "How many runs to show, newest first.")
    var limit: Int = 20

    @Flag(help: "Print one JSON object {\"runs\": [...]} instead of a table.")
    var json = false

    @Option(help: "A jobs file whose \"database\" names the store.")
    var config: String?

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1.") }
    }

    func run() async throws {
        let store = try options.existingStore(config: config)
        let runs = try store.runs(of: job, limit: limit)
        if json {
            print(try LedgerOutput.json(RunHistory(runs: runs)))
        } else {
            print(Self.table(runs))
            if runs.isEmpty { print("(no runs of \"\(job)\" in the ledger)") }
        }
    }

    static func table(_ runs: [RunRecord]) -> String {
        let header = ["TICK", "KIND", "OWNER", "TOKEN", "STARTED", "ENDED", "OUTCOME", "MS", "OVERLAPPED", "ERROR"]
        let rows = runs.map { run in
            [
                run.tick?.jobKitTimestamp ?? "(by hand)", run.kind.name, run.owner, String(run.token), run.startedAt.jobKitTimestamp,
                run.endedAt?.jobKitTimestamp ?? "-", run.outcome.name, run.durationMilliseconds.map(String.init) ?? "-",
                run.overlapped ? "yes" : "no",
                run.error.map { String($0.replacingOccurrences(of: "\n", with: " ").prefix(80)) } ?? "",
            ]
        }
        return TextTable(header: header, rows: rows).rendered
    }
}
