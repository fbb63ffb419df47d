import Foundation
import JobKit
import Logging

/// Which jobs file a command reads: the one named, else `jobs.json`, else `jobs.example.json`.
enum JobsFileChoice {
    static func path(_ named: String?, logger: Logger) -> String {
        if let named { return named }
        if FileManager.default.fileExists(atPath: "jobs.json") { return "jobs.json" }
        logger.notice("No jobs.json here; using jobs.example.json. Copy it to jobs.json to make it your own.")
        return "jobs.example.json"
    }

    /// Loads and checks `path` with the configured job types.
    static func load(_ path: String) throws(JobsFileError) -> JobsFile {
        try JobsFileLoader(catalog: JobKitCLI.registry).load(contentsOf: path)
    }

    /// The enabled jobs of `file`, ready for the scheduler.
    static func scheduledJobs(_ file: JobsFile) throws -> [ScheduledJob] {
        try file.enabledJobs.map(scheduledJob)
    }

    /// One job of a jobs file, enabled or not, ready to run.
    static func scheduledJob(_ definition: JobDefinition) throws -> ScheduledJob {
        ScheduledJob(
            name: definition.name, schedule: definition.schedule, lockID: definition.lockID,
            ttl: definition.ttl, jitter: definition.jitter, grace: definition.grace, catchUp: definition.catchUp,
            job: try JobKitCLI.registry.makeJob(
                type: definition.type, parameters: definition.parameters, jobName: definition.name
            ),
            jobType: definition.type, spread: definition.spread, overlap: definition.overlap
        )
    }
}
