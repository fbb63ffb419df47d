import Foundation

/// The job types a scheduler knows, by the names a jobs file uses for them (`"shell"`,
/// `"report"`), each with a factory that decodes a job from its `parameters`.
///
/// ```swift
/// var registry = JobRegistry()
/// try registry.register(ReportJob.self, as: "report")
/// try registry.register(CleanupJob.self, as: "cleanup")
///
/// let json = Data(#"{"recipients": ["ops@example.com"]}"#.utf8)
/// let job = try registry.makeJob(type: "report", parameters: json, jobName: "nightly")
/// let outcome = await job.run(using: mutex, lockID: "nightly", jobName: "nightly")
/// ```
///
/// Parameters are JSON, decoded with `JSONDecoder`'s default strategies. A job without
/// parameters decodes from `{}`, so a type whose properties all have defaults (or that has
/// none) needs none in the jobs file.
///
/// Parameters are strict: a key the type never reads (`"dryrun"` for a `dryRun` property) is
/// an error with a did-you-mean, so a typo cannot silently leave a job in its default mode.
/// A type that takes free-form parameters opts out with `allowingUnknownParameters: true`.
public struct JobRegistry: Sendable {
    private struct Entry: Sendable {
        var type: any (NonOverlappingJob & Decodable).Type
        var decode: @Sendable (Data) throws -> any NonOverlappingJob
    }

    private var entries: [String: Entry] = [:]

    /// An empty registry.
    public init() {}

    /// Registers `type` under `name`, the name jobs files use in their `type` field.
    ///
    /// One type may be registered under several names (aliases); registering the same type
    /// under the same name again changes nothing.
    ///
    /// - Parameters:
    ///   - type: the job type; its parameters decode with its `Decodable` conformance.
    ///   - name: the name jobs files use for it, such as `"report"`.
    /// - Throws: ``JobRegistryError`` when `name` is empty or another type is registered
    ///   under it already; the error names both types.
    ///   - allowingUnknownParameters: whether keys the type does not read are accepted; `false`
    ///     (strict) unless the type takes free-form parameters.
    public mutating func register<J: NonOverlappingJob & Decodable>(
        _ type: J.Type, as name: String, allowingUnknownParameters: Bool = false
    ) throws {
        guard !name.isEmpty else { throw JobRegistryError.emptyName(type: J.jobTypeName) }
        if let existing = entries[name] {
            if existing.type == type { return }
            throw JobRegistryError.duplicateName(
                name, registered: existing.type.jobTypeName, rejected: J.jobTypeName
            )
        }
        entries[name] = Entry(type: type) { data in
            try StrictParameters.decode(J.self, from: data, strict: !allowingUnknownParameters)
        }
    }

    /// Makes the job `jobName` of type `type` from its parameters.
    ///
    /// - Parameters:
    ///   - type: the type name as the jobs file spells it.
    ///   - parameters: the job's `parameters` as JSON; `nil` for a job without any, which
    ///     decodes from `{}`.
    ///   - jobName: the job's name, for error messages.
    /// - Throws: ``JobRegistryError`` when `type` is not registered, or when the parameters
    ///   do not decode; the error names the job, its type and the field path, as in
    ///   `Job "nightly" (type report): parameters.recipients[1]: expected a string, found the number 42.`
    public func makeJob(type: String, parameters: Data?, jobName: String) throws -> any NonOverlappingJob {
        guard let entry = entries[type] else {
            throw JobRegistryError.unknownType(type, jobName: jobName, known: typeNames)
        }
        let data = parameters ?? Data("{}".utf8)
        do {
            return try entry.decode(data)
        } catch let error as DecodingError {
            throw JobRegistryError.invalidParameters(jobName: jobName, type: type, error, in: data)
        } catch let unknown as StrictParameters.UnknownKey {
            throw JobRegistryError.invalidParameters(
                jobName: jobName, type: type, path: unknown.path, problem: unknown.problem(type: type)
            )
        } catch {
            throw JobRegistryError.invalidParameters(jobName: jobName, type: type, problem: "\(error)")
        }
    }

    /// The Swift type registered under `name` (as a jobs file spells it), if any.
    public func jobType(named name: String) -> (any (NonOverlappingJob & Decodable).Type)? {
        entries[name]?.type
    }

    /// The registered names, sorted.
    public var typeNames: [String] { entries.keys.sorted() }
}
