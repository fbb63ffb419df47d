import Foundation

/// One JSON line a `jobkit run` process of a fleet printed.
public struct FleetEvent: Sendable, CustomStringConvertible {
    /// The index of the process that printed it (see ``FleetProcess/index``).
    public let process: Int
    /// That process's owner string.
    public let owner: String
    /// When the harness read the line, in wall-clock nanoseconds since the Unix epoch.
    public let receivedNS: Int64
    /// The line's members.
    public let fields: [String: FleetValue]

    /// Creates an event from its parts.
    public init(process: Int, owner: String, receivedNS: Int64, fields: [String: FleetValue]) {
        self.process = process
        self.owner = owner
        self.receivedNS = receivedNS
        self.fields = fields
    }

    /// The `event` member: `job.started`, `lock.lost`, …
    public var name: String? { fields["event"]?.string }

    /// A member's value.
    public subscript(_ key: String) -> FleetValue? { fields[key] }

    /// A string member.
    public func string(_ key: String) -> String? { fields[key]?.string }

    /// An integer member.
    public func integer(_ key: String) -> Int64? { fields[key]?.integer }

    /// A boolean member.
    public func bool(_ key: String) -> Bool? { fields[key]?.bool }

    /// The `tick` member in milliseconds since the Unix epoch.
    public var tickMS: Int64? { string("tick").flatMap(FleetTime.milliseconds(fromTimestamp:)) }

    /// The `ts` member in milliseconds since the Unix epoch.
    public var timestampMS: Int64? { string("ts").flatMap(FleetTime.milliseconds(fromTimestamp:)) }

    public var description: String {
        let members = fields.filter { $0.key != "message" && $0.key != "ts" && $0.key != "event" }
            .sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }
            .joined(separator: " ")
        return "p\(process) \(string("ts") ?? "?") \(name ?? "?") \(members)"
    }
}
