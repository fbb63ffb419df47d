import ArgumentParser
import Foundation

/// The benchmark tool: measures JobKit's lock against raw PostgreSQL primitives in the same
/// run, on the same server, and prints a Markdown table (and JSON with `--json FILE`).
@main
struct JobKitBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobkit-bench",
        abstract: "Benchmarks JobKit's database mutex.",
        subcommands: [
            MutexBenchmark.self, ContendBenchmark.self, ContendWorker.self, ScheduleBenchmark.self, FleetBenchmark.self,
            JobsFileBenchmark.self, BurstBenchmark.self, BurstWorker.self,
        ]
    )
}

/// Options every mode takes.
struct BenchOptions: ParsableArguments {
    @Option(help: "The store URL (postgres://…, sqlite:…). Default: JOBKIT_TEST_DATABASE_URL.")
    var databaseURL: String?

    @Option(help: "Write the figures as one JSON object to this file.")
    var json: String?

    func resolvedURL() throws -> String {
        if let databaseURL { return databaseURL }
        if let url = ProcessInfo.processInfo.environment["JOBKIT_TEST_DATABASE_URL"], !url.isEmpty { return url }
        throw ValidationError("Pass --database-url or set JOBKIT_TEST_DATABASE_URL.")
    }

    var isPostgres: Bool {
        (try? libpqURL()) != nil
    }

    /// The URL as libpq takes it, for the raw baselines: a `postgres://` URL, or a
    /// `django+postgres://` one without its prefix. Throws for other stores.
    func libpqURL() throws -> String {
        var url = try resolvedURL()
        if url.hasPrefix("django+") { url.removeFirst("django+".count) }
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw ValidationError("not a PostgreSQL URL")
        }
        return url
    }
}
