import JobKit
import Logging

extension Logger {
    /// Logs `config.invalid` for `error`: the message says what could not happen and, for a
    /// jobs file, how many problems it has; the `error` field holds every problem, one per line
    /// (the text format prints them indented under the event line).
    func configInvalid(_ outcome: String, _ error: any Error) {
        var message = outcome
        if let fileError = error as? JobsFileError {
            message += ": \(fileError.file) has \(counted(fileError.problems.count, "problem"))"
        }
        jobEvent(.configInvalid, level: .error, "\(message).", [LogKeys.error: .string("\(error)")])
    }
}
