import Foundation

/// A JSON value as `JSONSerialization` parsed it, in a form tests can compare exactly.
///
/// Strings compare by their UTF-8 bytes (not Swift's canonical equivalence), and numbers keep
/// what `JSONSerialization` made of them: a boolean, an integer or a floating-point number.
indirect enum ParsedJSON: Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
    case string(String)
    case integer(Int64)
    case unsigned(UInt64)
    case double(Double)
    case bool(Bool)
    case array([ParsedJSON])
    case object([String: ParsedJSON])
    case null

    init(stringLiteral value: String) {
        self = .string(value)
    }

    /// Parses one line (a whole JSON text), failing on anything that is not valid JSON.
    init(line: String) throws {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
        self = try ParsedJSON(object)
    }

    /// Converts what `JSONSerialization` returned.
    init(_ value: Any) throws {
        switch value {
        case let text as String:
            self = .string(text)
        case let number as NSNumber:
            let kind = String(cString: number.objCType)
            if kind == "c" || String(describing: type(of: number)).contains("Boolean") {
                self = .bool(number.boolValue)
            } else if kind == "d" || kind == "f" {
                self = .double(number.doubleValue)
            } else if kind == "Q" {
                self = .unsigned(number.uint64Value)
            } else {
                self = .integer(number.int64Value)
            }
        case let array as [Any]:
            self = .array(try array.map(ParsedJSON.init))
        case let object as [String: Any]:
            self = .object(try object.mapValues(ParsedJSON.init))
        case is NSNull:
            self = .null
        default:
            throw UnexpectedValue(value: "\(type(of: value)): \(value)")
        }
    }

    /// The object's members; throws when this is not an object.
    var members: [String: ParsedJSON] {
        get throws {
            guard case .object(let members) = self else { throw UnexpectedValue(value: description) }
            return members
        }
    }

    static func == (lhs: ParsedJSON, rhs: ParsedJSON) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): Array(a.utf8) == Array(b.utf8)
        case (.integer(let a), .integer(let b)): a == b
        case (.unsigned(let a), .unsigned(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && a.allSatisfy { key, value in
                b.first { Array($0.key.utf8) == Array(key.utf8) }?.value == value
            }
        case (.null, .null): true
        default: false
        }
    }

    var description: String {
        switch self {
        case .string(let text): text.debugDescription
        case .integer(let value): "\(value)"
        case .unsigned(let value): "\(value)u"
        case .double(let value): "\(value)d"
        case .bool(let value): "\(value)"
        case .array(let items): "[\(items.map(\.description).joined(separator: ","))]"
        case .object(let members):
            "{\(members.sorted { $0.key < $1.key }.map { "\($0.key.debugDescription):\($0.value)" }.joined(separator: ","))}"
        case .null: "null"
        }
    }

    /// A value `JSONSerialization` returned that JSON cannot hold.
    struct UnexpectedValue: Error {
        var value: String
    }
}
