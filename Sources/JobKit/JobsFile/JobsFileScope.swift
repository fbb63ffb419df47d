/// Where in a jobs file a check is looking: which job, if any, and under which key, so each
/// problem names them.
struct JobsFileScope: Sendable {
    /// The job's position in `jobs`, from 1, or nil outside jobs.
    var jobNumber: Int?
    /// The job's name, once it is known to be valid.
    var jobName: String?
    /// What goes before a field's key in messages: `defaults.` in `defaults`, else nothing.
    var fieldPrefix: String

    /// The top level of the file.
    static let topLevel = JobsFileScope(jobNumber: nil, jobName: nil, fieldPrefix: "")
    /// The `defaults` object.
    static let defaults = JobsFileScope(jobNumber: nil, jobName: nil, fieldPrefix: "defaults.")

    /// The job at position `number` (from 1).
    static func job(_ number: Int) -> JobsFileScope {
        JobsFileScope(jobNumber: number, jobName: nil, fieldPrefix: "")
    }
}
