/// A job type that cannot be registered, or a job that cannot be made from its jobs-file entry.
public struct JobRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case emptyName(type: String)
        case duplicateName(String, registered: String, rejected: String)
        case unknownType(String, jobName: String, known: [String])
        case invalidParameters(jobName: String, type: String, path: String, problem: String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    static func emptyName(type: String) -> JobRegistryError {
        JobRegistryError(.emptyName(type: type))
    }

    static func duplicateName(_ name: String, registered: String, rejected: String) -> JobRegistryError {
        JobRegistryError(.duplicateName(name, registered: registered, rejected: rejected))
    }

    static func unknownType(_ type: String, jobName: String, known: [String]) -> JobRegistryError {
        JobRegistryError(.unknownType(type, jobName: jobName, known: known))
    }

    static func invalidParameters(jobName: String, type: String, path: String = "parameters", problem: String) -> JobRegistryError {
        JobRegistryError(.invalidParameters(jobName: jobName, type: type, path: path, problem: problem))
    }

    /// The job the error is about, when it is about one (not for registration errors).
    public var jobName: String? {
        switch code {
        case .emptyName, .duplicateName: nil
        case .unknownType(_, let jobName, _), .invalidParameters(let jobName, _, _, _): jobName
        }
    }

    /// The path of the parameter that did not decode, such as `parameters.recipients[1]`.
    public var fieldPath: String? {
        if case .invalidParameters(_, _, let path, _) = code { return path }
        return nil
    }

    /// What is wrong, without the job's name and type: for an entry whose parameters did not
    /// decode, `parameters.recipients[1]: expected a string.`; otherwise the whole description.
    public var problem: String {
        if case .invalidParameters(_, _, let path, let problem) = code { return "\(path): \(problem)." }
        return description
    }

    /// A sentence naming the job or type, and what is wrong.
    public var description: String {
        switch code {
        case .emptyName(let type):
            return "Cannot register job type \(type) under an empty name."
        case .duplicateName(let name, let registered, let rejected):
            return "Cannot register job type \(rejected) as \"\(name)\": \(registered) is registered under that name already."
        case .unknownType(let type, let jobName, let known):
            var text = "Job \"\(jobName)\" has unknown type \"\(type)\""
            if let suggestion = Suggestions.closest(to: type, among: known) { text += "; did you mean \"\(suggestion)\"?" } else { text += "." }
            text += known.isEmpty ? " No job types are registered." : " Known types: \(known.joined(separator: ", "))."
            return text
        case .invalidParameters(let jobName, let type, let path, let problem):
            return "Job \"\(jobName)\" (type \(type)): \(path): \(problem)."
        }
    }
}
