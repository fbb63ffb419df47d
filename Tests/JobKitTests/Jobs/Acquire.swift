import JobKit

/// Mirrors `jobkit-probe`'s `Acquire` command, whose `Acquire.ReportJob` is a job type with
/// the same name inside its module as ``Acquire/ReportJob`` here: only the module differs.
enum Acquire {
    /// A job type spelled `Acquire.ReportJob` in this module and in `jobkit-probe`.
    struct ReportJob: NonOverlappingJob {
        func runWorker(context: JobContext) async throws {}
    }
}
