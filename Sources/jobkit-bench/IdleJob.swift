import JobKit

/// A job that does nothing: the idle measurement holds many of them on schedules that do not
/// fire during the window.
struct IdleJob: NonOverlappingJob {
    static var jobTypeName: String { "jobkit-bench.idle" }

    func runWorker(context: JobContext) async throws {}
}
