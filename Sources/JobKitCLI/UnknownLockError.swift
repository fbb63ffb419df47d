import JobKit

/// `jobkit locks release` named a lock the store has no row for.
struct UnknownLockError: Error, CustomStringConvertible {
    let lockID: String
    let store: String
    let known: [String]

    var description: String {
        var text = "There is no lock \"\(lockID)\" in \(store)."
        if let suggestion = Suggestions.closest(to: lockID, among: known) {
            text += " Did you mean \"\(suggestion)\"?"
        } else if known.isEmpty {
            text += " It has no locks yet."
        } else {
            text += " Its locks: \(known.prefix(10).joined(separator: ", "))\(known.count > 10 ? ", …" : "")."
        }
        return text
    }
}
