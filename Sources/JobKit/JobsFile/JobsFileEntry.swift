import Foundation

/// One job as the validator checked it: the definition when every field was fine, and what
/// the checks across jobs (unique names, unique lock ids) need even when some field was not.
struct JobsFileEntry: Sendable {
    /// The scope of the job's problems.
    var scope: JobsFileScope
    /// The name, when it is valid, and where its value starts.
    var name: (text: String, offset: Int)?
    /// The lock id when it is valid, where it is written (the `lock` value, or the name), and
    /// whether `lock` sets it.
    var lock: (id: String, offset: Int, isExplicit: Bool)?
    /// The resolved definition, or nil when a field was refused.
    var definition: JobDefinition?
}
