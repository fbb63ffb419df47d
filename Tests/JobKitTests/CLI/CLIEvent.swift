import Foundation

/// One line `jobkit` printed on stdout, parsed as the JSON object it must be.
struct CLIEvent: CustomStringConvertible {
    /// The line as printed.
    let line: String
    /// Its members.
    let fields: [String: ParsedJSON]

    /// Parses `line`; throws when it is not a JSON object.
    init(line: String) throws {
        self.line = line
        fields = try ParsedJSON(line: line).members
    }

    /// The `event` name, when the line has one.
    var name: String? { self["event"] }

    /// A string field.
    subscript(key: String) -> String? {
        if case .string(let value) = fields[key] { return value }
        return nil
    }

    /// An integer field.
    func integer(_ key: String) -> Int64? {
        if case .integer(let value) = fields[key] { return value }
        return nil
    }

    /// The `tick` field as milliseconds since the Unix epoch, when it is a JobKit timestamp.
    var tickMilliseconds: Int64? { milliseconds("tick") }

    /// A timestamp field (`tick`, `ts`) as milliseconds since the Unix epoch.
    func milliseconds(_ key: String) -> Int64? {
        guard let tick = self[key] else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: tick) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    var description: String { line }
}
