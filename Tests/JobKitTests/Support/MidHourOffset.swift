import Foundation

/// How far to shift a scheduler's clock so that it reads half past the hour when the test
/// starts. A test whose hourly job must not fire runs its scheduler under this offset, so the
/// next tick is 30 minutes away whatever the time: a CI run that crossed 21:00:00 once fired
/// every "hourly" job of such a test.
enum MidHourOffset {
    /// The offset, to the millisecond, from `now`.
    static func from(_ now: Date = Date()) -> Duration {
        let millisecondsIntoHour = Int64((now.timeIntervalSince1970 * 1000).rounded()) % 3_600_000
        return .milliseconds(1_800_000 - millisecondsIntoHour)
    }

    /// The offset as `jobkit run --testing-clock-offset` takes it: seconds, as text.
    static func argument(_ now: Date = Date()) -> String {
        let offset = from(now)
        return "--testing-clock-offset=" + String(Double(offset.components.seconds) + Double(offset.components.attoseconds) / 1e18)
    }
}
