import Foundation
import JobKit

/// A stand-in for the job registry: the `shell` type with the parameters the built-in one
/// takes (`command`, `shell`, `env`, `cwd`, `timeout`), and a `report` type whose only
/// parameter is an optional list of `recipients`.
struct TestJobTypeCatalog: JobTypeCatalog {
    var typeNames: [String] { ["shell", "report"] }

    func validateParameters(type: String, parameters: Data?, jobName: String) -> [String] {
        var object: [String: Value] = [:]
        if let parameters {
            guard let decoded = try? JSONDecoder().decode([String: Value].self, from: parameters) else {
                return ["the parameters are not a JSON object."]
            }
            object = decoded
        }
        switch type {
        case "shell": return shellProblems(object)
        case "report": return reportProblems(object)
        default: return ["the catalog was asked about the unknown type \"\(type)\"."]
        }
    }

    private func shellProblems(_ object: [String: Value]) -> [String] {
        var problems: [String] = []
        for key in object.keys.sorted() where !["command", "shell", "env", "cwd", "timeout"].contains(key) {
            problems.append("\"\(key)\" is not a parameter of shell jobs.")
        }
        switch object["command"] {
        case nil:
            problems.append("\"command\" is required.")
        case .array(let argv) where !argv.isEmpty && argv.allSatisfy(\.isString):
            break
        default:
            problems.append("\"command\" must be a non-empty array of strings.")
        }
        switch object["shell"] {
        case nil, .bool: break
        default: problems.append("\"shell\" must be true or false.")
        }
        switch object["env"] {
        case nil: break
        case .object(let variables) where variables.values.allSatisfy(\.isString): break
        default: problems.append("\"env\" must be an object of strings.")
        }
        switch object["cwd"] {
        case nil, .string: break
        default: problems.append("\"cwd\" must be a string.")
        }
        switch object["timeout"] {
        case nil, .number: break
        case .string(let text) where (try? DurationText(text)) != nil: break
        default: problems.append("\"timeout\" must be a duration.")
        }
        return problems
    }

    private func reportProblems(_ object: [String: Value]) -> [String] {
        var problems: [String] = []
        for key in object.keys.sorted() where key != "recipients" {
            problems.append("\"\(key)\" is not a parameter of report jobs.")
        }
        switch object["recipients"] {
        case nil: break
        case .array(let list) where list.allSatisfy(\.isString): break
        default: problems.append("\"recipients\" must be an array of strings.")
        }
        return problems
    }

    /// Any JSON value, as `JSONDecoder` reads it.
    enum Value: Decodable, Equatable {
        case null, bool(Bool), number(Double), string(String), array([Value]), object([String: Value])

        var isString: Bool {
            if case .string = self { return true }
            return false
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if let array = try? container.decode([Value].self) {
                self = .array(array)
            } else {
                self = .object(try container.decode([String: Value].self))
            }
        }
    }
}
