/// A value crossing to or from SQLite: the only three kinds the lock table uses.
enum SQLiteValue: Sendable, Hashable {
    case integer(Int64)
    case text(String)
    case null

    /// `value` as an integer, or NULL when it is `nil`.
    static func integer(_ value: Int64?) -> SQLiteValue { value.map { .integer($0) } ?? .null }

    var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }
}
