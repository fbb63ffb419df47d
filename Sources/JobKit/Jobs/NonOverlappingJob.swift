import Foundation

/// A unit of background work that never runs twice at once across a fleet.
///
/// Write the work in ``runWorker(context:)``; run it with ``run(using:tick:ttl:lockID:jobName:jobType:wait:)``,
/// which takes the job's lock through a ``DBMutex``, runs the worker while holding it, reports
/// what happened as structured events (`job.started`, `job.succeeded`, …) and returns a
/// ``JobOutcome`` instead of throwing for the expected cases (another machine holds the lock,
/// the tick already ran, the TTL ran out).
///
/// ```swift
/// struct ReportJob: NonOverlappingJob, Decodable {
///     var recipients: [String]
///
///     func runWorker(context: JobContext) async throws {
///         context.logger.info("Sending the report.")
///         try await sendReport(to: recipients, fencingToken: context.lease.token)
///     }
/// }
///
/// let outcome = await ReportJob(recipients: ["ops@example.com"]).run(using: mutex)
/// ```
///
/// This is django-db-mutex's `NonOverlappingTask` recipe for Celery, made a protocol: the
/// lock id defaults to the job's type name, a held lock means "skip", and a lock that timed
/// out is reported rather than swallowed.
///
/// ## Type names and lock ids
///
/// ``jobTypeName`` defaults to the type's fully qualified name (`MyApp.ReportJob`), not its
/// simple name, so two job types called `ReportJob` in two modules lock different ids and
/// never block each other. Parts of the name that the runtime makes up per process (the
/// `(unknown context at $…)` of `private` and function-local types) are left out, so every
/// process of the fleet computes the same id. Renaming or moving a type changes its default
/// lock id: while old and new builds run side by side they do not exclude each other. Give a
/// job a fixed ``jobTypeName`` (or pass `lockID:`) when its lock id must survive refactoring.
public protocol NonOverlappingJob: Sendable {
    /// The name of this job type; the default lock id of ``run(using:tick:ttl:lockID:jobName:jobType:wait:)``.
    ///
    /// By default the type's fully qualified name, such as `MyApp.ReportJob`; see
    /// "Type names and lock ids" above.
    static var jobTypeName: String { get }

    /// Whether the worker's task is cancelled when the job loses its lock while running
    /// (a heartbeat finds it taken over or force-released). `false` by default.
    ///
    /// Opt in when stopping half-way is safe and continuing without the lock is not. The
    /// worker sees the cancellation the usual way (`Task.isCancelled`, a throwing
    /// `Task.sleep`, ``JobContext/isCancelled``); a worker that stops by throwing
    /// `CancellationError` makes the outcome ``JobOutcome/failed(_:)`` with a ``JobRunError``
    /// saying the lock was lost.
    var cancelsOnLeaseLoss: Bool { get }

    /// The work. It runs while the job holds its lock, in a child task of the caller.
    ///
    /// Throwing makes the outcome ``JobOutcome/failed(_:)`` and reports `job.failed` with the
    /// error's description.
    ///
    /// - Parameter context: the run: its name, lease (with the fencing token), tick, logger
    ///   and cancellation state.
    func runWorker(context: JobContext) async throws
}

extension NonOverlappingJob {
    /// The type's fully qualified name, such as `MyApp.ReportJob`, without the per-process
    /// parts the runtime adds for `private` and local types.
    public static var jobTypeName: String { JobTypeName.of(Self.self) }

    /// The default job type name of `type`: its fully qualified name, without the per-process
    /// parts the runtime adds for `private` and local types. For a base class whose subclasses
    /// may override ``jobTypeName``: `class var jobTypeName: String { defaultJobTypeName(of: self) }`.
    public static func defaultJobTypeName(of type: Any.Type) -> String { JobTypeName.of(type) }

    /// The job type name of this instance: ``jobTypeName`` of its **dynamic** type.
    ///
    /// For a class hierarchy held as its base class (`let job: BaseJob = SyncCustomers()`,
    /// `[BaseJob]`, `any NonOverlappingJob`), this names the subclass: a subclass's
    /// `override class var jobTypeName` is honoured, and without overrides each subclass
    /// gets its own default name, so each takes its own lock. The default lock id and job
    /// name of ``run(using:tick:ttl:lockID:jobName:jobType:wait:)``, and what the registry
    /// reports.
    public var instanceJobTypeName: String {
        let declared = type(of: self).jobTypeName
        // The default implementation names the static type it was called through (the base
        // class); when that is what came back, name the dynamic type instead.
        if declared == JobTypeName.of(Self.self) { return JobTypeName.of(type(of: self)) }
        return declared
    }

    /// `false`: a job keeps running when it loses its lock, unless it opts in.
    public var cancelsOnLeaseLoss: Bool { false }
}
