/// A jobs file that cannot be used, with the problems found in it, not just the first.
///
/// The ``description`` lists the problems one per line, in the order they appear in the file,
/// each naming the file, position, job and field, so an operator can fix them all in one go.
/// A file with more than ``problemLimit`` problems (a generated or minified file gone wrong)
/// reports the first ``problemLimit`` in file order and counts the rest in
/// ``omittedProblemCount``, so the report stays readable and quick to build.
public struct JobsFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The most problems one error lists: 100.
    public static let problemLimit = 100

    /// The file, as the loader was given it.
    public let file: String
    /// The problems, in file order; never empty, at most ``problemLimit``.
    public let problems: [JobsFileProblem]
    /// How many problems were found after the listed ones and left out; 0 when all are listed.
    public let omittedProblemCount: Int

    init(file: String, problems: [JobsFileProblem], omittedProblemCount: Int = 0) {
        self.file = file
        self.problems = problems
        self.omittedProblemCount = omittedProblemCount
    }

    /// Keeps the first ``problemLimit`` of `sorted` (in file order), with their positions
    /// found by `locator`, and counts the rest.
    init(file: String, sortedProblems sorted: [JobsFileProblem], locator: SourceLocator) {
        self.init(
            file: file,
            problems: sorted.prefix(Self.problemLimit).map { $0.located(by: locator) },
            omittedProblemCount: max(0, sorted.count - Self.problemLimit)
        )
    }

    /// The problems, one per line, and a last line counting those left out.
    public var description: String {
        var lines = problems.map(\.description)
        if omittedProblemCount > 0 {
            let noun = omittedProblemCount == 1 ? "problem" : "problems"
            lines.append("\(file): \(omittedProblemCount) more \(noun) after these are not listed.")
        }
        return lines.joined(separator: "\n")
    }
}
