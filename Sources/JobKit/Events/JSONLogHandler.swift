import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line: the format on-call engineers
/// alert from.
///
/// Each record becomes one line with the keys in this order:
///
/// - `ts`: when it was logged, RFC 3339 in UTC with milliseconds (`2026-11-23T09:15:00.250Z`);
/// - `level`: the swift-log level name (`info`, `warning`, `error`, …);
/// - `event`: the ``JobEvent`` name from ``LogKeys/event``, absent when the record has none;
/// - `message`;
/// - then every metadata field (handler metadata, then the metadata provider's, then the call's:
///   a later one wins a key). JobKit's `jobkit.`-prefixed keys are printed without the prefix
///   (`jobkit.lock_id` becomes `lock_id`) and come first in ``LogKeys`` order, followed by the
///   record's error (as `error`) and the application's own keys sorted by name. A key that
///   would repeat a name already printed gets `_` prepended, so no line has duplicate keys.
///
/// Values: strings as JSON strings; numbers (the standard integer types, finite `Double` and
/// `Float`) and booleans bare; any other `.stringConvertible` value as its description;
/// arrays and dictionaries as JSON arrays and objects. Every string is escaped by hand, so any
/// string, control characters and all, yields valid JSON, and a line never contains a newline.
///
/// ```json
/// {"ts":"2026-11-23T09:15:00.250Z","level":"info","event":"job.succeeded","message":"Job \"report\" succeeded.","job":"report","lock_id":"report","duration_ms":12}
/// ```
///
/// Lines go to a ``LogOutput`` (standard output by default) in one write each, so lines from
/// concurrent threads never interleave. The handler is a value: copies share the output, not
/// the level or metadata.
public struct JSONLogHandler: LogHandler {
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
    ///   - clock: The time for `ts`; the system clock by default (tests pass a fixed one).
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

    /// Writes one record as a JSON line.
    public func log(event: LogEvent) {
        // A job's event line is 300–600 bytes: room for it at once, rather than growing twice.
        var line = LineBuffer(capacity: 1024)
        line.appendJSONRecord(
            timestamp: clock().jobKitTimestamp,
            level: event.level,
            message: event.message.description,
            fields: LogFields(handlerMetadata: metadata, provider: metadataProvider, event: event)
        )
        output.write(line: &line.bytes)
    }
}
