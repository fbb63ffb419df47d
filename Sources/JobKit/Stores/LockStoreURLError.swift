/// A store URL of no accepted form (see ``LockStoreURL``).
public struct LockStoreURLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL as given, with any password replaced by `***`.
    public let url: String
    /// What is wrong with it beyond having no accepted form, if something more specific is known.
    public let problem: String?

    init(url: String, problem: String? = nil) {
        self.url = ConnectionString.redacted(url)
        self.problem = problem
    }

    public var description: String {
        var text = "Unsupported database URL \"\(url)\""
        if let problem { text += ": \(problem)" }
        return text + ". Accepted forms: \(LockStoreURL.acceptedForms)."
    }
}
