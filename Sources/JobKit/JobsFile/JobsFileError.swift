/// A jobs file that cannot be used, with every problem found in it, not just the first.
///
/// The ``description`` lists the problems one per line, in the order they appear in the file,
/// each naming the file, position, job and field, so an operator can fix them all in one go.
public struct JobsFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as the loader was given it.
    public let file: String
    /// The problems, in file order; never empty.
    public let problems: [JobsFileProblem]

    init(file: String, problems: [JobsFileProblem]) {
        self.file = file
        self.problems = problems
    }

    /// The problems, one per line.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
