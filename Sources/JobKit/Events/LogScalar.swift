/// What a `.stringConvertible` metadata value is, for printing: a number or a boolean (printed
/// bare) or anything else (printed as its description, quoted in JSON).
///
/// Only the standard integer types, finite `Double`/`Float` and `Bool` count as numbers and
/// booleans, and their text always matches JSON's number grammar; a type that merely prints
/// like a number stays a string, so a handler can never emit invalid JSON.
enum LogScalar {
    case number(String)
    case bool(Bool)
    case string(String)

    init(_ value: any CustomStringConvertible & Sendable) {
        if let bool = value as? Bool {
            self = .bool(bool)
        } else if let integer = value as? any BinaryInteger {
            self = Self.integer(integer) ?? .string(value.description)
        } else if let double = value as? Double {
            self = double.isFinite ? .number(double.description) : .string(double.description)
        } else if let float = value as? Float {
            self = float.isFinite ? .number(float.description) : .string(float.description)
        } else {
            self = .string(value.description)
        }
    }

    /// The decimal text of an integer that fits 64 bits; `nil` for a wider custom integer type.
    private static func integer<T: BinaryInteger>(_ value: T) -> LogScalar? {
        if let signed = Int64(exactly: value) { return .number(String(signed)) }
        if let unsigned = UInt64(exactly: value) { return .number(String(unsigned)) }
        return nil
    }
}
