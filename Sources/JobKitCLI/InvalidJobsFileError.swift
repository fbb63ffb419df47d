import JobKit

/// `jobkit validate` found problems: the jobs file's, or its database URL's.
struct InvalidJobsFileError: Error, CustomStringConvertible {
    let file: String
    let problems: [String]

    /// A first line counting the problems, then each problem on a line of its own, indented.
    var description: String {
        (["\(file) is not valid: \(counted(problems.count, "problem")):"] + problems.map { "    " + $0 })
            .joined(separator: "\n")
    }
}
