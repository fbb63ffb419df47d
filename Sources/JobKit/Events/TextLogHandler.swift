import Foundation
import Logging

/// A swift-log handler that writes one compact line per record, for people at a terminal.
///
/// ```text
/// 2026-11-23T09:15:00.250Z info  job.succeeded job=report lock_id=report duration_ms=12 — Job "report" succeeded.
/// ```
///
/// The layout: the timestamp (RFC 3339, UTC, milliseconds), the level padded to five
/// characters, the ``JobEvent`` name when there is one, the metadata fields as `name=value`
/// (named and ordered exactly as ``JSONLogHandler`` prints them), then ` — ` and the message.
/// A value that is empty or holds a space, a quote, `=` or a control character is quoted, with
/// `"`, `\` and control characters escaped; control characters in the message are escaped
/// too. A string field whose value spans several lines (such as the `error` of
/// `config.invalid`, one problem per line) is not printed inline: its lines follow the record's
/// line, each indented by four spaces, so a continuation line always starts with a space:
///
/// ```text
/// 2026-11-23T09:15:00.250Z error config.invalid — The scheduler cannot start: jobs.json has 2 problems.
///     jobs.json: job 1 ("report"): "every": …
///     jobs.json: job 2 ("cleanup"): unknown key "scedule"; did you mean "schedule"?
/// ```
///
/// Lines go to a ``LogOutput`` (standard output by default) in one write each, so lines from
/// concurrent threads never interleave. For machines, use ``JSONLogHandler``.
public struct TextLogHandler: LogHandler {
    /// The label of the logger this handler serves; not printed.
    public let label: String
    /// The least severe level this handler prints.
    public var logLevel: Logger.Level
    /// Metadata printed with every record of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Supplies metadata (e.g. task-local request ids) for every record.
    public var metadataProvider: Logger.MetadataProvider?

    private let output: LogOutput
    private let clock: @Sendable () -> Date

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: The logger's label (swift-log passes it to factories); not printed.
    ///   - level: The least severe level to print; `info` by default.
    ///   - metadataProvider: Supplies metadata for every record, e.g. from task-locals.
    ///   - output: Where lines go; standard output by default.
    ///   - clock: The time printed first; the system clock by default (tests pass a fixed one).
    public init(
        label: String,
        level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        output: LogOutput = .standardOutput,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.output = output
        self.clock = clock
    }

    /// Gets or sets one metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one record as a text line.
    public func log(event: LogEvent) {
        var line = LineBuffer(capacity: 160)
        line.appendTextRecord(
            timestamp: clock().jobKitTimestamp,
            level: event.level,
            message: event.message.description,
            fields: LogFields(handlerMetadata: metadata, provider: metadataProvider, event: event)
        )
        output.write(line: &line.bytes)
    }
}
