/// One thing wrong with a jobs file: where it is, and what to do about it.
///
/// The ``description`` is one line that names the file and, when known, the position, the job
/// and the field:
/// `jobs.json:7:16: job #2 "nightly-report": field "every": "5x" is not a duration: unknown unit "x"; …`
public struct JobsFileProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file, as the loader was given it.
    public let file: String
    /// The line of the culprit, from 1, or nil when the problem has no place in the text
    /// (the file cannot be read).
    public let line: Int?
    /// The column of the culprit, from 1, in characters (Unicode scalars), or nil with ``line``.
    public let column: Int?
    /// The job's position in the `jobs` array, counting from 1, or nil when the problem is not
    /// about one job.
    public let jobNumber: Int?
    /// The job's name, when it has a valid one.
    public let jobName: String?
    /// The field at fault, such as `every`, `defaults.ttl` or `parameters`, or nil.
    public let field: String?
    /// What is wrong, as a sentence that starts in lower case and ends with its punctuation.
    public let message: String
    /// Where the culprit starts, for sorting problems in file order.
    let offset: Int?

    init(
        file: String,
        offset: Int?,
        locator: SourceLocator?,
        jobNumber: Int? = nil,
        jobName: String? = nil,
        field: String? = nil,
        message: String
    ) {
        self.file = file
        self.offset = offset
        if let offset, let locator {
            (line, column) = locator.position(of: offset)
        } else {
            (line, column) = (nil, nil)
        }
        self.jobNumber = jobNumber
        self.jobName = jobName
        self.field = field
        self.message = message
    }

    /// The same problem with its line and column found by `locator`. The validator records
    /// problems without them and the loader locates only those it reports, so a file with a
    /// million problems costs a million cheap records, not a million position lookups.
    func located(by locator: SourceLocator) -> JobsFileProblem {
        JobsFileProblem(
            file: file, offset: offset, locator: locator, jobNumber: jobNumber, jobName: jobName, field: field,
            message: message
        )
    }

    /// `file:line:column: job #N "name": field "f": message`, leaving out what is unknown.
    public var description: String {
        var text = file
        if let line, let column { text += ":\(line):\(column)" }
        text += ": "
        if let jobNumber {
            text += "job #\(jobNumber)"
            if let jobName { text += " \"\(JSONValue.abbreviated(jobName))\"" }
            text += ": "
        }
        if let field { text += "field \"\(field)\": " }
        return text + message
    }
}
