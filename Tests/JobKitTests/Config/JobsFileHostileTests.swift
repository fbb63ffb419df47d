import Foundation
import JobKit
import Testing

/// Files built to make a loader slow: what they report. (How fast they load is a benchmark,
/// `jobkit-bench jobs-file`, not a test: a test must not depend on the machine's speed.)
/// Building and loading megabytes takes seconds of CPU, so it runs off the cooperative pool,
/// which the other tests share.
@Suite struct JobsFileHostileTests {
    /// The report of loading `text`, which must be refused.
    private func refusal(_ text: String) async throws -> JobsFileError {
        let outcome = try await offPool {
            Result { () throws(JobsFileError) in
                try JobsFileLoader(catalog: TestJobTypeCatalog()).load(Data(text.utf8), file: "jobs.json")
            }.map(\.jobs.count)
        }
        guard case .failure(let error) = outcome else {
            throw JobsFileHostileTestFailure(message: "the file was accepted")
        }
        return error
    }

    /// The 1-based column of byte `offset` of `text`, in Unicode scalars, counted here from
    /// the text rather than by the loader's table.
    private static func column(ofByte offset: Int, in text: String) -> Int {
        let prefix = String(decoding: Array(text.utf8)[..<offset], as: UTF8.self)
        let line = prefix.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
        return line.unicodeScalars.count + 1
    }

    @Test("a 5 MB file with 100,000 problems on one line lists the first 100 and counts the rest")
    func manyProblemsOnOneLine() async throws {
        let (text, columns) = try await offPool { Self.manyProblemsFile() }
        #expect(text.utf8.count >= 5_000_000)
        #expect(!text.contains("\n"))

        let error = try await refusal(text)
        #expect(error.problems.count == JobsFileError.problemLimit)
        #expect(error.omittedProblemCount == 100_000 - JobsFileError.problemLimit)
        let first = error.problems[0]
        let last = error.problems[JobsFileError.problemLimit - 1]
        #expect(first.description.hasPrefix("jobs.json:1:\(columns.first): job #1 \"é1\": unknown key \"colour\"; "))
        #expect(last.line == 1)
        #expect(last.column == columns.last)
        #expect(last.jobNumber == JobsFileError.problemLimit)
        let lines = error.description.split(separator: "\n")
        #expect(lines.count == JobsFileError.problemLimit + 1)
        #expect(lines.last == "jobs.json: 99900 more problems after these are not listed.")
    }

    /// A one-line file of at least 5 MB with 100,000 jobs, each valid but for one unknown key
    /// (names carry a two-byte character, so columns in characters differ from byte offsets),
    /// and the columns of the first and the 100th unknown key, counted from the text.
    private static func manyProblemsFile() -> (String, (first: Int, last: Int)) {
        let padding = String(repeating: "p", count: 8)
        var jobs: [String] = []
        for number in 1...100_000 {
            jobs.append(#"{"name":"é\#(number)","type":"report","every":"5m","colour":"\#(padding)"}"#)
        }
        var text = #"{"jobs":["# + jobs.joined(separator: ",") + "]}"
        let filler = max(0, 5_000_000 - text.utf8.count)
        text = #"{"defaults":{"ttl":"1h"},"# + String(repeating: " ", count: filler) + text.dropFirst()
        let bytes = Array(text.utf8)
        let needle = Array(#""colour""#.utf8)
        var found: [Int] = []
        var index = 0
        while found.count < JobsFileError.problemLimit, index + needle.count <= bytes.count {
            if bytes[index] == needle[0], Array(bytes[index..<(index + needle.count)]) == needle {
                found.append(index)
                index += needle.count
            } else {
                index += 1
            }
        }
        return (text, (column(ofByte: found[0], in: text), column(ofByte: found[JobsFileError.problemLimit - 1], in: text)))
    }

    @Test("a time zone name of a megabyte is refused in a message of one short line")
    func megabyteTimeZoneName() async throws {
        let name = "Europe/" + String(repeating: "x", count: 1_000_000)
        let text = #"{"jobs":[{"name":"a","type":"report","cron":"0 * * * *","timezone":"\#(name)"}]}"#
        let error = try await refusal(text)
        #expect(error.problems.count == 1)
        #expect(error.omittedProblemCount == 0)
        #expect(
            error.description
                == "jobs.json:1:68: job #1 \"a\": field \"timezone\": \"Europe/\(String(repeating: "x", count: 33))…\" "
                + "is not a time zone name: it has 1000007 characters; write an IANA name such as \"Europe/Berlin\", "
                + "or \"UTC\"."
        )
    }

    @Test("20,000 jobs with the same misspelt zone each get the suggestion")
    func manyTimeZoneTypos() async throws {
        let job = #"{"name":"j","type":"report","cron":"0 * * * *","timezone":"Europe/Berln"}"#
        let text = #"{"jobs":["# + Array(repeating: job, count: 20_000).joined(separator: ",") + "]}"
        let error = try await refusal(text)
        // Each job: the time zone, and (from job #2) the name used before.
        #expect(error.problems.count == JobsFileError.problemLimit)
        #expect(error.omittedProblemCount == 2 * 20_000 - 1 - JobsFileError.problemLimit)
        let zones = error.problems.filter { $0.field == "timezone" }
        #expect(zones.count == JobsFileError.problemLimit / 2)
        #expect(zones.allSatisfy { $0.message == #"unknown time zone "Europe/Berln"; did you mean "Europe/Berlin"?"# })
    }

    @Test("a megabyte-long unknown key and value are shortened in the messages")
    func longKeyAndValue() async throws {
        let long = String(repeating: "k", count: 1_000_000)
        let text = #"{"jobs":[{"name":"a","type":"report","every":"\#(long)","\#(long)":1}]}"#
        let error = try await refusal(text)
        #expect(error.problems.count == 2)
        #expect(error.description.utf8.count < 600)
        #expect(error.problems.allSatisfy { $0.message.contains(String(repeating: "k", count: 40) + "…") })
    }

    @Test("a word far longer than every candidate gets no suggestion, and a prefix still does")
    func suggestionsForLongWords() {
        let long = String(repeating: "e", count: 1_000_000)
        #expect(Suggestions.closest(to: long, among: ["every", "enabled"]) == nil)
        #expect(Suggestions.closest(to: "parameters" + long, among: ["every", "parameters"]) == "parameters")
        #expect(Suggestions.closest(to: "evry", among: ["every", "enabled"]) == "every")
    }
}

/// A file that had to be refused was accepted.
private struct JobsFileHostileTestFailure: Error {
    let message: String
}
