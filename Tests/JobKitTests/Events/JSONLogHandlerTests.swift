import Foundation
import JobKit
import Logging
import Synchronization
import Testing

/// A string a log line must survive, with a short name for test reports.
struct HostileString: Sendable, CustomTestStringConvertible {
    var name: String
    var value: String
    var testDescription: String { name }

    static let all: [HostileString] = [
        HostileString(name: "quotes", value: #"say "hi" and ""#),
        HostileString(name: "backslashes", value: #"C:\path\to\"file"\"#),
        HostileString(name: "newline", value: "line one\nline two\n"),
        HostileString(name: "carriage return", value: "cr\rhere\r\n"),
        HostileString(name: "tab", value: "a\tb"),
        HostileString(
            name: "every control character and DEL",
            value: String(decoding: Array(UInt8(0x00)...UInt8(0x1F)) + [0x7F], as: UTF8.self)
        ),
        HostileString(name: "NUL inside", value: "before\u{0}after"),
        HostileString(name: "script tag", value: "</script><script>alert('x')</script>"),
        HostileString(name: "non-ASCII", value: "café é 中文 Ünïcødé"),
        HostileString(name: "emoji ZWJ sequences", value: "👩‍👩‍👧‍👦 🏳️‍🌈 🧑🏽‍💻 ❤️‍🔥"),
        HostileString(name: "line and paragraph separators", value: "a\u{2028}b\u{2029}c"),
        HostileString(name: "empty", value: ""),
        HostileString(
            name: "10 KB mixed",
            value: String(repeating: "0123456789 \"q\" \\ \n\t\u{1}\u{1F} é 中 👍🏽 </script>", count: 250)
        ),
    ]
}

@Suite struct JSONLogHandlerTests {
    /// 2026-11-23T09:15:00.250Z
    static let fixedDate = Date(timeIntervalSince1970: 1_795_425_300.25)

    static func logger(_ capture: LineCapture, level: Logger.Level = .trace) -> Logger {
        Logger(label: "test") { label in
            JSONLogHandler(label: label, level: level, output: capture.output, clock: { fixedDate })
        }
    }

    @Test(arguments: HostileString.all)
    func hostileStringsRoundTrip(_ hostile: HostileString) throws {
        let capture = LineCapture()
        let logger = Self.logger(capture)
        let appKey = "app.key " + hostile.value
        logger.jobEvent(
            .jobFailed, level: .error, "\(hostile.value)",
            [LogKeys.reason: .string(hostile.value), appKey: .string(hostile.value)]
        )

        let line = try capture.onlyLine
        #expect(!line.utf8.contains { $0 < 0x20 }, "A raw control character would break the line")
        let expected: ParsedJSON = .object([
            "ts": .string("2026-11-23T09:15:00.250Z"),
            "level": .string("error"),
            "event": .string("job.failed"),
            "message": .string(hostile.value),
            "reason": .string(hostile.value),
            appKey: .string(hostile.value),
        ])
        #expect(try ParsedJSON(line: line) == expected)
    }

    @Test func hostileStringsInsideNestedValues() throws {
        let capture = LineCapture()
        let values = HostileString.all.map(\.value)
        let dictionary = Dictionary(uniqueKeysWithValues: values.enumerated().map { ("k\($0.offset)" + $0.element, $0.element) })
        Self.logger(capture).info(
            "nested",
            metadata: [
                "list": .array(values.map { .string($0) }),
                "map": .dictionary(dictionary.mapValues { .string($0) }),
            ]
        )
        let members = try ParsedJSON(line: try capture.onlyLine).members
        #expect(members["list"] == .array(values.map { .string($0) }))
        #expect(members["map"] == .object(dictionary.mapValues { .string($0) }))
    }

    @Test func linePrintsFixedKeysFirstThenJobKitFieldsInOrder() throws {
        let capture = LineCapture()
        Self.logger(capture).jobEvent(
            .jobSucceeded, level: .info, #"Job "report" succeeded."#,
            [LogKeys.durationMS: .number(12), LogKeys.lockID: "report", LogKeys.job: "report"]
        )
        #expect(
            try capture.onlyLine
                == #"{"ts":"2026-11-23T09:15:00.250Z","level":"info","event":"job.succeeded","message":"Job \"report\" succeeded.","job":"report","lock_id":"report","duration_ms":12}"#
        )
    }

    @Test func recordWithoutEventHasNoEventKey() throws {
        let capture = LineCapture()
        Self.logger(capture).warning("plain", metadata: ["jobkit.lock_id": "a"])
        let line = try capture.onlyLine
        #expect(line.hasPrefix(#"{"ts":"2026-11-23T09:15:00.250Z","level":"warning","message":"plain","#))
        #expect(try ParsedJSON(line: line).members["event"] == nil)
        #expect(try ParsedJSON(line: line).members["lock_id"] == .string("a"))
    }

    @Test func levelIsTheLowercaseSwiftLogName() throws {
        let capture = LineCapture()
        let logger = Self.logger(capture)
        for level in Logger.Level.allCases { logger.log(level: level, "x") }
        let levels = try capture.lines.map { try ParsedJSON(line: $0).members["level"] }
        #expect(levels == ["trace", "debug", "info", "notice", "warning", "error", "critical"].map { .string($0) })
    }

    @Test func timestampComesFromTheInjectedClockInUTCWithMilliseconds() throws {
        let capture = LineCapture()
        let dates = [
            Self.fixedDate,
            Date(timeIntervalSince1970: 1_795_425_300.002),
            Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: -0.001),
        ]
        for date in dates {
            let logger = Logger(label: "t") { JSONLogHandler(label: $0, output: capture.output, clock: { date }) }
            logger.info("tick")
        }
        let stamps = try capture.lines.map { try ParsedJSON(line: $0).members["ts"] }
        #expect(stamps == [
            "2026-11-23T09:15:00.250Z", "2026-11-23T09:15:00.002Z",
            "1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z",
        ].map { .string($0) })
        let pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
        for case .string(let stamp)? in stamps { #expect(stamp.wholeMatch(of: pattern) != nil, "\(stamp)") }
    }

    @Test func numbersAndBooleansAreBareAndOtherValuesAreStrings() throws {
        let capture = LineCapture()
        Self.logger(capture).info(
            "values",
            metadata: [
                LogKeys.token: .number(42),
                "negative": .stringConvertible(Int8(-5)),
                "largest": .stringConvertible(UInt64.max),
                "quarter": .seconds(.milliseconds(250)),
                "whole": .seconds(.seconds(1800)),
                "tiny": .stringConvertible(1e-5),
                "float": .stringConvertible(Float(0.1)),
                "yes": .bool(true),
                "no": .stringConvertible(false),
                "infinite": .stringConvertible(Double.infinity),
                "nan": .stringConvertible(Double.nan),
                "event_name": .stringConvertible(JobEvent.jobFailed),
                "numeric_string": .string("42"),
                "boolean_string": .string("true"),
            ]
        )
        let line = try capture.onlyLine
        let members = try ParsedJSON(line: line).members
        #expect(members["token"] == .integer(42))
        #expect(members["negative"] == .integer(-5))
        #expect(members["largest"] == .unsigned(UInt64.max))
        #expect(members["quarter"] == .double(0.25))
        #expect(members["whole"] == .integer(1800))
        #expect(members["tiny"] == .double(1e-5))
        #expect(members["yes"] == .bool(true))
        #expect(members["no"] == .bool(false))
        #expect(members["infinite"] == .string("inf"))
        #expect(members["nan"] == .string("nan"))
        #expect(members["event_name"] == .string("job.failed"))
        #expect(members["numeric_string"] == .string("42"))
        #expect(members["boolean_string"] == .string("true"))
        // On the raw text: bare, and the Float keeps its own shortest form.
        for fragment in [#""token":42"#, #""float":0.1,"#, #""yes":true"#, #""no":false"#, #""tiny":1e-05"#] {
            #expect(line.contains(fragment), "\(fragment) in \(line)")
        }
    }

    @Test func nestedArraysAndDictionariesRoundTrip() throws {
        let capture = LineCapture()
        Self.logger(capture).info(
            "nested",
            metadata: [
                "outer": .dictionary([
                    "list": .array([.string("a\"b"), .number(1), .bool(false), .array([]), .dictionary([:])]),
                    "inner": .dictionary(["jobkit.kept": .string("\n"), "n": .seconds(.milliseconds(1500))]),
                ])
            ]
        )
        let members = try ParsedJSON(line: try capture.onlyLine).members
        #expect(
            members["outer"] == .object([
                "list": .array([.string("a\"b"), .integer(1), .bool(false), .array([]), .object([:])]),
                // Only top-level keys lose the prefix: nested ones are the application's data.
                "inner": .object(["jobkit.kept": .string("\n"), "n": .double(1.5)]),
            ])
        )
    }

    @Test func jobKitPrefixIsStrippedAndNamesNeverCollide() throws {
        let capture = LineCapture()
        Self.logger(capture).jobEvent(
            .lockLost, level: .error, "lost",
            [
                LogKeys.lockID: "jobkit's",
                "lock_id": "application's",
                "_lock_id": "application's underscored",
                "level": "application's level",
                "jobkit.message": "jobkit message field",
            ]
        )
        let line = try capture.onlyLine
        #expect(
            try ParsedJSON(line: line) == .object([
                "ts": "2026-11-23T09:15:00.250Z", "level": "error", "event": "lock.lost", "message": "lost",
                "lock_id": "jobkit's",
                "_message": "jobkit message field",
                "_lock_id": "application's underscored",
                "_level": "application's level",
                "__lock_id": "application's",
            ])
        )
        // No key printed twice (JSONSerialization would silently keep one of a duplicate pair).
        #expect(line.components(separatedBy: #""level":"#).count == 2)
        #expect(line.components(separatedBy: #""lock_id":"#).count == 2)
    }

    @Test func handlerProviderAndCallMetadataMergeWithTheCallWinning() throws {
        let capture = LineCapture()
        let provider = Logger.MetadataProvider { [LogKeys.job: "provider", "shared": "provider", "from_provider": "p"] }
        var logger = Logger(label: "test") { label in
            JSONLogHandler(label: label, metadataProvider: provider, output: capture.output, clock: { Self.fixedDate })
        }
        logger[metadataKey: LogKeys.job] = "handler"
        logger[metadataKey: "shared"] = "handler"
        logger[metadataKey: "from_handler"] = "h"
        logger.info("merged", metadata: [LogKeys.job: "call"])

        let members = try ParsedJSON(line: try capture.onlyLine).members
        #expect(members["job"] == .string("call"))
        #expect(members["shared"] == .string("provider"))
        #expect(members["from_handler"] == .string("h"))
        #expect(members["from_provider"] == .string("p"))
    }

    @Test func handlerMetadataIsAValue() throws {
        let capture = LineCapture()
        var first = Self.logger(capture)
        first[metadataKey: "who"] = "first"
        var second = first
        second[metadataKey: "who"] = "second"
        second.logLevel = .error
        first.info("a")
        second.info("dropped: below error")
        second.error("b")
        let whos = try capture.lines.map { try ParsedJSON(line: $0).members["who"] }
        #expect(whos == [.string("first"), .string("second")])
    }

    @Test func recordErrorIsPrintedAsError() throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the disk is full" } }
        let capture = LineCapture()
        Self.logger(capture).error("failed", error: Broken())
        #expect(try ParsedJSON(line: try capture.onlyLine).members["error"] == .string("the disk is full"))
    }

    @Test func concurrentThreadsWriteOnlyWholeLinesToAFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jobkit-json-\(UUID().uuidString).log").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600)
        try #require(descriptor >= 0)
        defer {
            close(descriptor)
            unlink(path)
        }
        let output = LogOutput(fileDescriptor: descriptor)
        let logger = Logger(label: "test") { JSONLogHandler(label: $0, output: output) }

        try await Self.logConcurrently(logger, threads: 8, linesPerThread: 500)

        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        try Self.expectAllLines(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), threads: 8, linesPerThread: 500)
    }

    @Test func concurrentThreadsWriteWholeLinesLongerThanAPipeWritesAtomically() async throws {
        // A pipe keeps only writes of up to PIPE_BUF (4 KiB) whole; longer lines from two
        // writers interleave unless the output serializes them.
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let received = Mutex<[UInt8]>([])
        let reader = DispatchGroup()
        reader.enter()
        Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received.withLock { $0.append(contentsOf: buffer[0..<count]) }
            }
            reader.leave()
        }.start()

        let output = LogOutput(fileDescriptor: writeEnd)
        let logger = Logger(label: "test") { JSONLogHandler(label: $0, output: output) }
        try await Self.logConcurrently(logger, threads: 8, linesPerThread: 100, paddingRepeats: 1_500)
        close(writeEnd)
        await withCheckedContinuation { continuation in
            reader.notify(queue: .global()) { continuation.resume() }
        }
        close(readEnd)

        let text = String(decoding: received.withLock { $0 }, as: UTF8.self)
        #expect(text.hasSuffix("\n"))
        try Self.expectAllLines(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), threads: 8, linesPerThread: 100)
    }

    @Test func concurrentThreadsHandTheClosureOneWholeLineAtATime() async throws {
        // The closure may keep lines in unsynchronized storage: calls must never overlap.
        let inside = Atomic<Int>(0)
        let overlaps = Atomic<Int>(0)
        let capture = LineCapture()
        let output = LogOutput { line in
            if inside.add(1, ordering: .sequentiallyConsistent).oldValue != 0 {
                overlaps.add(1, ordering: .relaxed)
            }
            capture.append(line)
            sched_yield()
            inside.subtract(1, ordering: .sequentiallyConsistent)
        }
        let logger = Logger(label: "test") { JSONLogHandler(label: $0, output: output) }
        try await Self.logConcurrently(logger, threads: 8, linesPerThread: 500)
        #expect(overlaps.load(ordering: .relaxed) == 0)
        try Self.expectAllLines(capture.lines, threads: 8, linesPerThread: 500)
    }

    /// Logs from `threads` OS threads at once, each line long enough to need several copies.
    static func logConcurrently(
        _ logger: Logger, threads: Int, linesPerThread: Int, paddingRepeats: Int = 200
    ) async throws {
        let group = DispatchGroup()
        let padding = String(repeating: "x\"\n\\é👍", count: paddingRepeats)
        for thread in 0..<threads {
            group.enter()
            Thread {
                for index in 0..<linesPerThread {
                    logger.jobEvent(.jobStarted, level: .info, "\(padding)", ["id": "\(thread)-\(index)"])
                }
                group.leave()
            }.start()
        }
        await withCheckedContinuation { continuation in
            group.notify(queue: .global()) { continuation.resume() }
        }
    }

    static func expectAllLines(_ lines: [String], threads: Int, linesPerThread: Int) throws {
        #expect(lines.count == threads * linesPerThread)
        var ids = Set<String>()
        for line in lines {
            guard case .string(let id)? = try ParsedJSON(line: line).members["id"] else {
                Issue.record("Line without an id: \(line.prefix(200))")
                continue
            }
            ids.insert(id)
        }
        let expected = Set((0..<threads).flatMap { thread in (0..<linesPerThread).map { "\(thread)-\($0)" } })
        #expect(ids == expected)
    }
}
