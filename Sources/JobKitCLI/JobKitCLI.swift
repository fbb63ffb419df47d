import Foundation
import ArgumentParser
import JobKit
import Synchronization

/// The `jobkit` commands as a library, so an application can ship the same command-line tool
/// with its own job types:
///
/// ```swift
/// import JobKitCLI
///
/// @main
/// struct MyScheduler {
///     static func main() async {
///         var registry = JobKitCLI.builtInJobs()
///         try! registry.register(ReportJob.self, as: "report")
///         await JobKitCLI.main(registry: registry)
///     }
/// }
/// ```
public enum JobKitCLI {
    private static let configured = Mutex<JobRegistry?>(nil)
    private static let name = Mutex("jobkit")

    /// The job types every `jobkit` binary knows: `shell`.
    public static func builtInJobs() -> JobRegistry {
        var registry = JobRegistry()
        // A fresh registry cannot hold "shell" already.
        try! registry.register(ShellJob.self, as: "shell")
        return registry
    }

    /// Parses the command line and runs the command, with `registry`'s job types; exits the process.
    ///
    /// - Parameters:
    ///   - registry: the job types the jobs file may name.
    ///   - commandName: the name `--help` and usage messages show; by default the name the
    ///     binary was started as.
    ///   - arguments: the arguments to parse; by default the process's.
    ///   - bootstrapsMetrics: whether to bootstrap swift-metrics with swift-prometheus, whose
    ///     registry `jobkit run --http` serves at `/metrics`. Pass `false` when your binary
    ///     bootstraps its own metrics backend (`/metrics` then shows only process metrics).
    public static func main(
        registry: JobRegistry = builtInJobs(), commandName: String? = nil, arguments: [String]? = nil,
        bootstrapsMetrics: Bool = true
    ) async {
        if bootstrapsMetrics { bootstrapPrometheus() }
        configured.withLock { $0 = registry }
        let invokedAs = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent }
        name.withLock { $0 = commandName ?? invokedAs ?? "jobkit" }
        signal(SIGPIPE, SIG_IGN)   // a closed stdout pipe drops lines instead of killing the scheduler
        await JobKitCommand.main(arguments)
    }

    /// Bootstraps swift-metrics with swift-prometheus, whose registry ``MonitoringServer``
    /// serves at `/metrics`. ``main(registry:commandName:arguments:bootstrapsMetrics:)`` does
    /// it; call it yourself only when you run the scheduler without `main`. Once per process.
    public static func bootstrapPrometheus() {
        JobKitPrometheus.bootstrap()
    }

    /// The name usage messages show.
    static var commandName: String { name.withLock { $0 } }

    /// The registry the commands use.
    static var registry: JobRegistry { configured.withLock { $0 } ?? builtInJobs() }
}
