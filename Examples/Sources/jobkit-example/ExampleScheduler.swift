import ExampleJobs
import JobKitCLI

/// `jobkit-example`: the whole `jobkit` command line (`run`, `validate`, `locks`, `migrate`,
/// `once`) with this package's job types registered next to the built-in `shell`, so a jobs
/// file may say `"type": "report"` or `"type": "cleanup"`.
///
/// ```sh
/// swift run jobkit-example run jobs.json
/// ```
@main
struct ExampleScheduler {
    static func main() async {
        var registry = JobKitCLI.builtInJobs()          // keeps the built-in "shell" type
        try! ExampleJobs.register(in: &registry)        // throws only for a name taken twice
        await JobKitCLI.main(registry: registry)
    }
}
