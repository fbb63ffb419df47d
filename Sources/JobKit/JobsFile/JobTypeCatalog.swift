import Foundation

/// The job types a jobs file may name, and the check of each job's `parameters`.
///
/// ``JobsFileLoader`` asks a catalog, not a concrete registry, so it can be tested with a
/// small stand-in and used with any registry of job types. A registry that decodes a type's
/// parameters from JSON conforms by trying the decoding and returning what went wrong.
public protocol JobTypeCatalog: Sendable {
    /// The names a job's `type` may take, such as `shell`.
    var typeNames: [String] { get }

    /// What is wrong with the parameters of a job of type `type`; empty when they are fine.
    ///
    /// The loader calls this only for a `type` in ``typeNames``, and only when `parameters`
    /// is absent or an object.
    ///
    /// - Parameters:
    ///   - type: One of ``typeNames``.
    ///   - parameters: The job's `parameters` object as compact JSON (keys in file order), or
    ///     nil when the job has none.
    ///   - jobName: The job's name, for catalogs that build the job to check it.
    /// - Returns: One sentence per problem, without the file, job or field, which the loader
    ///   adds: for example `"command" must be an array of strings, found the number 5.`
    func validateParameters(type: String, parameters: Data?, jobName: String) -> [String]
}
