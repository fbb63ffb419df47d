/// Text that is not valid JSON: where the parser stopped and why.
struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The byte offset the message is about.
    let offset: Int
    /// What is wrong, as a sentence with its final punctuation, e.g.
    /// `trailing comma before "}"; remove it.`
    let message: String

    /// Creates an error; `message` gets a final period unless it ends with a question mark.
    init(at offset: Int, _ message: String) {
        self.offset = offset
        self.message = message.hasSuffix("?") ? message : message + "."
    }

    var description: String { "Invalid JSON at byte \(offset): \(message)" }
}
