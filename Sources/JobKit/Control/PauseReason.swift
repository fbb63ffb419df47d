/// The rules for the note of a pause (`jobkit pause JOB --reason TEXT`).
public enum PauseReason {
    /// The longest reason kept, in characters: enough for a sentence and an incident link.
    public static let maximumLength = 500

    /// Checks `reason` and returns it trimmed of surrounding white space.
    ///
    /// - Throws: ``PauseReasonError`` when it is empty (or only white space), longer than
    ///   ``maximumLength`` characters, or holds a NUL byte (which PostgreSQL cannot store).
    public static func validated(_ reason: String) throws(PauseReasonError) -> String {
        if reason.unicodeScalars.contains("\0") {
            throw PauseReasonError(message: "The pause reason holds a NUL byte; write it as plain text.")
        }
        let trimmed = reason.trimmingWhiteSpace
        guard !trimmed.isEmpty else {
            throw PauseReasonError(message: "The pause reason is empty; say why, or leave --reason out.")
        }
        guard trimmed.count <= maximumLength else {
            throw PauseReasonError(
                message: "The pause reason is \(trimmed.count) characters long; at most \(maximumLength) are kept. Link to the incident instead."
            )
        }
        return trimmed
    }
}

extension String {
    fileprivate var trimmingWhiteSpace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
