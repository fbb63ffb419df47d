#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The format of JobKit's log lines: JSON for machines, text for people.
///
/// The raw values (`json`, `text`) are what a `--log-format` option accepts.
public enum LogFormat: String, CaseIterable, Sendable {
    /// One JSON object per line (``JSONLogHandler``): for log shippers and alerts.
    case json
    /// One compact line per record (``TextLogHandler``): for a person at a terminal.
    case text

    /// The format to use when none was asked for: ``text`` on a terminal, else ``json``.
    ///
    /// A scheduler under systemd, in a container or behind a pipe writes JSON, which its log
    /// collector parses; a developer running it by hand reads text.
    ///
    /// - Parameter isTerminal: Whether standard output is a terminal.
    public static func `default`(isTerminal: Bool) -> LogFormat {
        isTerminal ? .text : .json
    }

    /// ``default(isTerminal:)`` for this process's standard output, as `isatty(1)` reports it.
    public static var automatic: LogFormat {
        .default(isTerminal: isatty(1) == 1)
    }
}
