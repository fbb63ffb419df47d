import Logging

extension Logger {
    /// A logger that discards everything, for tests that do not look at events.
    static let discarding = Logger(label: "jobkit-test", factory: { _ in SwiftLogNoOpLogHandler() })
}
