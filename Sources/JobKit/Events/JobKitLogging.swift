import Foundation
import Logging

/// Builds JobKit's log handlers, for an executable to bootstrap swift-log with.
///
/// The library never bootstraps the logging system itself: that is the executable's call,
/// made once at start-up.
///
/// ```swift
/// let format: LogFormat? = nil   // from a --log-format option, say
/// LoggingSystem.bootstrap(
///     JobKitLogging.factory(format: format ?? .automatic, level: .info),
///     metadataProvider: nil
/// )
/// ```
public enum JobKitLogging {
    /// A handler writing in `format`: a ``JSONLogHandler`` or a ``TextLogHandler``.
    ///
    /// - Parameters:
    ///   - format: The line format.
    ///   - label: The logger's label.
    ///   - level: The least severe level to print; `info` by default.
    ///   - metadataProvider: Supplies metadata for every record, e.g. from task-locals.
    ///   - output: Where lines go; standard output by default.
    ///   - clock: The time stamped on each line; the system clock by default.
    public static func handler(
        format: LogFormat,
        label: String,
        level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        output: LogOutput = .standardOutput,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) -> any LogHandler {
        switch format {
        case .json:
            JSONLogHandler(label: label, level: level, metadataProvider: metadataProvider, output: output, clock: clock)
        case .text:
            TextLogHandler(label: label, level: level, metadataProvider: metadataProvider, output: output, clock: clock)
        }
    }

    /// A factory for `LoggingSystem.bootstrap(_:metadataProvider:)`: every logger of the
    /// process gets a handler in `format` at `level`, writing to `output`.
    ///
    /// - Parameters:
    ///   - format: The line format; ``LogFormat/automatic`` (text on a terminal, else JSON)
    ///     by default, decided when this is called.
    ///   - level: The least severe level to print; `info` by default.
    ///   - output: Where lines go; standard output by default.
    public static func factory(
        format: LogFormat = .automatic,
        level: Logger.Level = .info,
        output: LogOutput = .standardOutput
    ) -> @Sendable (String, Logger.MetadataProvider?) -> any LogHandler {
        { label, metadataProvider in
            handler(format: format, label: label, level: level, metadataProvider: metadataProvider, output: output)
        }
    }
}
