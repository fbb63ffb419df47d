import JobKit

/// `jobkit once` or `jobkit status` named a job its jobs file does not have.
struct UnknownJobError: Error, CustomStringConvertible {
    let job: String
    let file: String
    let known: [String]

    var description: String {
        var text = "\(file) has no job named \"\(job)\"."
        if let suggestion = Suggestions.closest(to: job, among: known) {
            text += " Did you mean \"\(suggestion)\"?"
        }
        return text + " Its jobs: \(known.isEmpty ? "none" : known.joined(separator: ", "))."
    }
}
