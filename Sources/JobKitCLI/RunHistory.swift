import JobKit

/// `{"runs": [...]}`: what `jobkit history --json` prints.
struct RunHistory: Encodable {
    var runs: [RunRecord]
}
