/// Finds the name a person probably meant when they wrote one that does not exist, for
/// `did you mean "every"?` in messages.
///
/// A candidate is close when, ignoring case, it is at most one edit away per three characters
/// of the longer word (at least one edit; an edit inserts, deletes or replaces a character, or
/// swaps two neighbours), or when one is a prefix of the other and the shorter has at least
/// three characters (`param` for `parameters`, `lock_id` for `lock`). Far-fetched guesses are
/// worse than none, so anything else gets no suggestion.
///
/// A word compared with a candidate of very different length costs only a prefix check, so a
/// suggestion for a hostile, megabyte-long word takes time linear in its length.
///
/// Every "did you mean" in JobKit goes through it (jobs-file keys and time zones, job types,
/// shell parameters), so they all guess alike; job types of your own can use it too.
public enum Suggestions {
    /// The closest candidate to `word`, or nil when none is close. Ties go to the candidate
    /// listed first.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let typed = Array(word.lowercased().unicodeScalars)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let known = Array(candidate.lowercased().unicodeScalars)
            let limit = max(1, max(typed.count, known.count) / 3)
            let shorter = min(typed.count, known.count)
            let isPrefix = shorter >= 3 && (known.starts(with: typed) || typed.starts(with: known))
            // The distance is at least the difference in length: when that alone is over the
            // limit, only a prefix can match, and the quadratic comparison is not worth making
            // (a megabyte-long name would take seconds per candidate).
            let lengthGap = abs(typed.count - known.count)
            if lengthGap > limit && !isPrefix { continue }
            let distance = lengthGap > limit ? lengthGap : editDistance(typed, known)
            guard distance <= limit || isPrefix else { continue }
            // A prefix match ranks after every edit-distance match.
            let rank = distance <= limit ? distance : limit + 1 + distance
            if let current = best, current.distance <= rank { continue }
            best = (candidate, rank)
        }
        return best?.candidate
    }

    /// `a, b and c`: names as a message lists them.
    public static func list(_ names: [String]) -> String {
        guard let last = names.last else { return "" }
        guard names.count > 1 else { return last }
        return names.dropLast().joined(separator: ", ") + " and " + last
    }

    /// The optimal-string-alignment distance: Levenshtein plus swaps of adjacent characters.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
