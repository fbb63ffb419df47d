import Foundation
import JobKit
import Logging
import Testing

@Suite struct TextLogHandlerTests {
    static func logger(_ capture: LineCapture) -> Logger {
        Logger(label: "test") { label in
            TextLogHandler(label: label, level: .trace, output: capture.output, clock: { JSONLogHandlerTests.fixedDate })
        }
    }

    @Test func eventLineForAFixedClock() throws {
        let capture = LineCapture()
        Self.logger(capture).jobEvent(
            .jobSucceeded, level: .info, #"Job "report" succeeded."#,
            [LogKeys.durationMS: .number(12), LogKeys.lockID: "report", LogKeys.job: "report"]
        )
        #expect(
            try capture.onlyLine
                == #"2026-11-23T09:15:00.250Z info  job.succeeded job=report lock_id=report duration_ms=12 — Job "report" succeeded."#
        )
    }

    @Test func valuesWithSpacesQuotesOrEqualsAreQuoted() throws {
        let capture = LineCapture()
        Self.logger(capture).jobEvent(
            .jobSkipped, level: .warning, "skipped",
            [
                LogKeys.reason: "held by web-1 since noon",
                LogKeys.error: #"say "hi" \ bye"#,
                LogKeys.owner: "",
                LogKeys.store: "a=b",
                LogKeys.holder: "/var/run/x\\y",
                LogKeys.overlapped: .bool(true),
                LogKeys.token: .number(7),
                "list": .array(["a", "b c", .number(1), "x,y"]),
                "map": .dictionary(["k": "v w"]),
            ]
        )
        #expect(
            try capture.onlyLine
                == #"2026-11-23T09:15:00.250Z warning job.skipped token=7 owner="" holder=/var/run/x\y reason="held by web-1 since noon" error="say \"hi\" \\ bye" overlapped=true store="a=b" list=[a,"b c",1,"x,y"] map={k="v w"} — skipped"#
        )
    }

    @Test func controlCharactersNeverBreakTheLine() throws {
        let capture = LineCapture()
        Self.logger(capture).error("first\nsecond\tthird\u{0}", metadata: ["jobkit.error": "a\tb\r", "key with space": "v"])
        let line = try capture.onlyLine
        #expect(!line.utf8.contains { $0 < 0x20 })
        #expect(line == #"2026-11-23T09:15:00.250Z error error="a\tb\r" "key with space"=v — first\nsecond\tthird\u0000"#)
    }

    /// A field of several lines (config.invalid's problems) follows the line, one line each,
    /// indented; each continuation line still escapes its control characters.
    @Test func aMultiLineFieldFollowsTheLineIndented() throws {
        let capture = LineCapture()
        Self.logger(capture).error(
            "The scheduler cannot start: jobs.json has 2 problems.",
            metadata: ["jobkit.event": "config.invalid", "jobkit.error": "jobs.json: one\njobs.json: two\tthree\n", "jobkit.job": "x"]
        )
        #expect(try capture.onlyLine == """
            2026-11-23T09:15:00.250Z error config.invalid job=x — The scheduler cannot start: jobs.json has 2 problems.
                jobs.json: one
                jobs.json: two\\tthree
            """)
    }

    @Test func recordWithoutEventOrFields() throws {
        let capture = LineCapture()
        Self.logger(capture).debug("hello")
        #expect(try capture.onlyLine == "2026-11-23T09:15:00.250Z debug — hello")
    }
}
