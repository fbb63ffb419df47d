import JobKit

/// The job types of this package, and the parameters the example runs them with.
public enum ExampleJobs {
    /// A registry with every job type of this package, under the names a jobs file uses.
    /// Register your own types here.
    public static func registry() throws -> JobRegistry {
        var registry = JobRegistry()
        try registry.register(ReportJob.self, as: "report")
        try registry.register(CleanupJob.self, as: "cleanup")
        return registry
    }

    /// Parameters to run each type with when none are given, as a jobs file would hold them.
    public static let sampleParameters: [String: String] = [
        "report": #"{"recipients": ["ops@example.com", "cfo@example.com"], "title": "Nightly figures"}"#,
        "cleanup": #"{"olderThanDays": 30}"#,
    ]
}
