import Foundation

/// An instant written as `2026-03-08T07:00:00Z` (optionally with milliseconds).
func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    if text.contains(".") { formatter.formatOptions.insert(.withFractionalSeconds) }
    guard let date = formatter.date(from: text) else { fatalError("bad test date \(text)") }
    return date
}

/// An instant as `2026-03-08T07:00:00Z`, for readable failures.
func iso(_ date: Date?) -> String {
    guard let date else { return "nil" }
    return ISO8601DateFormatter().string(from: date)
}

func zone(_ identifier: String) -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { fatalError("no zone \(identifier)") }
    return zone
}

/// The wall-clock reading of `date` in `zone`, as `2026-03-08 03:00`.
func wall(_ date: Date, in zone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    func pad(_ value: Int?) -> String {
        let text = String(value ?? 0)
        return text.count < 2 ? "0" + text : text
    }
    return "\(c.year ?? 0)-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute))"
}
