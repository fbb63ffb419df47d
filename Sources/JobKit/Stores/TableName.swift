/// A validated table name for the lock table, optionally schema-qualified (`ops.jobkit_locks`).
///
/// Identifiers cannot travel as SQL parameters, so they are checked here and always quoted:
/// each part is a letter or underscore followed by letters, digits or underscores, at most
/// 48 characters (room for the suffixes of the objects named after the table).
public struct TableName: Sendable, Hashable, CustomStringConvertible {
    /// The schema, if the name is qualified.
    public let schema: String?
    /// The table's own name.
    public let name: String

    /// The default lock table, `jobkit_locks`.
    public static let `default` = try! TableName("jobkit_locks")

    /// Checks `text` (`table` or `schema.table`).
    public init(_ text: String) throws(TableNameError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 1 || parts.count == 2 else { throw TableNameError(name: text) }
        for part in parts where !Self.isValidPart(part) { throw TableNameError(name: text) }
        self.schema = parts.count == 2 ? parts[0] : nil
        self.name = parts[parts.count - 1]
    }

    private static func isValidPart(_ part: String) -> Bool {
        guard let first = part.unicodeScalars.first, part.unicodeScalars.count <= 48 else { return false }
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
        }
        return isLetter(first) && part.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    /// The quoted name, e.g. `"ops"."jobkit_locks"`.
    public var quoted: String { quoted(suffix: "") }

    /// The quoted name of an object named after the table, e.g. `"jobkit_locks_acquire"`.
    public func quoted(suffix: String) -> String {
        let own = "\"\(name)\(suffix)\""
        return schema.map { "\"\($0)\".\(own)" } ?? own
    }

    public var description: String { schema.map { "\($0).\(name)" } ?? name }
}

/// A table name that is not a plain SQL identifier.
public struct TableNameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name as given.
    public let name: String

    public var description: String {
        "Invalid table name \(String(reflecting: name)): use letters, digits and underscores "
            + "(not starting with a digit, at most 48 characters), optionally as schema.table."
    }
}
