import Testing

/// A jobs file that must be refused, and the exact report it must produce.
struct MalformedJobsFile: Sendable, CustomTestStringConvertible {
    /// What is wrong, as the test's name.
    let label: String
    /// The file's text.
    let json: String
    /// The full ``JobsFileError`` description, one problem per line.
    let message: String

    init(_ label: String, _ json: String, _ message: String) {
        self.label = label
        self.json = json
        self.message = message
    }

    var testDescription: String { label }
}
