/// `jobkit once` was asked to run a job its jobs file disables, without `--force`.
struct DisabledJobError: Error, CustomStringConvertible {
    let job: String
    let file: String

    var description: String {
        "Job \"\(job)\" is disabled in \(file) (\"enabled\": false), so it did not run. Add --force to run it anyway."
    }
}
