import JobKit

/// The job types of this package.
public enum ExampleJobs {
    /// Adds every job type of this package to `registry`, under the names a jobs file uses:
    /// `report` (``ReportJob``) and `cleanup` (``CleanupJob``). Register your own types here.
    ///
    /// - Throws: `JobRegistryError` when `registry` already has one of these names.
    public static func register(in registry: inout JobRegistry) throws {
        try registry.register(ReportJob.self, as: "report")
        try registry.register(CleanupJob.self, as: "cleanup")
    }
}
