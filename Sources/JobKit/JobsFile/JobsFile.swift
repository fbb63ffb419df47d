/// The contents of a jobs file, checked and resolved: see ``JobsFileLoader`` for the format.
public struct JobsFile: Sendable, Hashable {
    /// The store URL the file names, or nil. A `--database-url` option and the
    /// `JOBKIT_DATABASE_URL` environment variable take precedence over it.
    public var database: String?
    /// Every job, in file order, disabled ones included.
    public var jobs: [JobDefinition]

    /// Creates the contents of a jobs file.
    public init(database: String? = nil, jobs: [JobDefinition]) {
        self.database = database
        self.jobs = jobs
    }

    /// The jobs the scheduler runs: those with ``JobDefinition/isEnabled``, in file order.
    public var enabledJobs: [JobDefinition] { jobs.filter(\.isEnabled) }
}
