import Foundation
import JobKit
import Logging
import Testing

@Suite struct JobKitLoggingTests {
    @Test func formatFollowsTheTerminal() {
        #expect(LogFormat.default(isTerminal: true) == .text)
        #expect(LogFormat.default(isTerminal: false) == .json)
    }

    @Test func formatNamesAreStable() {
        #expect(LogFormat.allCases.map(\.rawValue) == ["json", "text"])
        #expect(LogFormat(rawValue: "json") == .json)
        #expect(LogFormat(rawValue: "text") == .text)
        #expect(LogFormat(rawValue: "JSON") == nil)
    }

    @Test func handlerWritesTheAskedFormatAtTheAskedLevel() throws {
        let json = LineCapture()
        let text = LineCapture()
        let clock: @Sendable () -> Date = { JSONLogHandlerTests.fixedDate }
        let jsonLogger = Logger(label: "app") {
            JobKitLogging.handler(format: .json, label: $0, level: .warning, output: json.output, clock: clock)
        }
        let textLogger = Logger(label: "app") {
            JobKitLogging.handler(format: .text, label: $0, level: .warning, output: text.output, clock: clock)
        }
        for logger in [jsonLogger, textLogger] {
            logger.info("below the level")
            logger.jobEvent(.lockExpired, level: .warning, "expired", [LogKeys.lockID: "x"])
        }
        #expect(try ParsedJSON(line: try json.onlyLine).members["event"] == .string("lock.expired"))
        #expect(try text.onlyLine == "2026-11-23T09:15:00.250Z warning lock.expired lock_id=x — expired")
    }

    @Test func factoryPassesLevelAndMetadataProviderThrough() throws {
        let capture = LineCapture()
        let factory = JobKitLogging.factory(format: .json, level: .debug, output: capture.output)
        let provider = Logger.MetadataProvider { ["request": "r-1"] }
        let logger = Logger(label: "app") { label in factory(label, provider) }
        #expect(logger.logLevel == .debug)
        logger.trace("dropped")
        logger.debug("kept")
        let members = try ParsedJSON(line: try capture.onlyLine).members
        #expect(members["message"] == .string("kept"))
        #expect(members["request"] == .string("r-1"))
        guard case .string(let stamp)? = members["ts"] else {
            Issue.record("No ts")
            return
        }
        #expect(stamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
    }
}
