@testable import JobKit
import Testing

/// Did-you-mean suggestions: offered when close, withheld when far-fetched.
@Suite struct SuggestionsTests {
    static let jobKeys = ["name", "type", "every", "cron", "timezone", "ttl", "lock", "jitter", "grace", "parameters", "enabled"]

    static let close: [(String, String)] = [
        ("evry", "every"),
        ("Every", "every"),
        ("tll", "ttl"),
        ("crn", "cron"),
        ("grcae", "grace"),
        ("time_zone", "timezone"),
        ("param", "parameters"),
        ("lock_id", "lock"),
        ("enable", "enabled"),
    ]

    @Test(arguments: close)
    func closeWordsGetASuggestion(typed: String, expected: String) {
        #expect(Suggestions.closest(to: typed, among: Self.jobKeys) == expected)
    }

    @Test(arguments: ["color", "x", "schedule", "command", "id"])
    func farWordsGetNone(typed: String) {
        #expect(Suggestions.closest(to: typed, among: Self.jobKeys) == nil)
    }

    @Test func synonymsCoverWhatSpellingCannot() {
        #expect(JobsFileKeys.suggestion(for: "interval", among: JobsFileKeys.job) == "every")
        #expect(JobsFileKeys.suggestion(for: "tz", among: JobsFileKeys.job) == "timezone")
        #expect(JobsFileKeys.suggestion(for: "tz", among: JobsFileKeys.topLevel) == nil)
    }

    @Test func editDistanceCountsSwapsAsOneEdit() {
        #expect(Suggestions.editDistance(Array("ab".unicodeScalars), Array("ba".unicodeScalars)) == 1)
        #expect(Suggestions.editDistance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
        #expect(Suggestions.editDistance([], Array("abc".unicodeScalars)) == 3)
    }

    @Test func listsReadAsProse() {
        #expect(Suggestions.list([]) == "")
        #expect(Suggestions.list(["a"]) == "a")
        #expect(Suggestions.list(["a", "b", "c"]) == "a, b and c")
        #expect(Suggestions.list(["a", "b"]) == "a and b")
    }
}
