import Foundation

extension JobRegistryError {
    /// An error naming the parameter `error` is about, by its path from `parameters`, and
    /// what was expected and found there (read back from `data`).
    static func invalidParameters(jobName: String, type: String, _ error: DecodingError, in data: Data) -> JobRegistryError {
        let path: [any CodingKey]
        let problem: String
        switch error {
        case .typeMismatch(let expected, let context):
            path = context.codingPath
            problem = "expected \(describe(expected))" + (found(at: path, in: data).map { ", found \($0)" } ?? "")
        case .valueNotFound(let expected, let context):
            path = context.codingPath
            problem = "expected \(describe(expected)), found " + (found(at: path, in: data) ?? "nothing")
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
            problem = "is required but missing"
        case .dataCorrupted(let context):
            path = context.codingPath
            if path.isEmpty, let syntax = syntaxError(in: data) {
                problem = "is not valid JSON (\(syntax))"
            } else {
                problem = lowercasedFirst(context.debugDescription.trimmingCharacters(in: CharacterSet(charactersIn: ". ")))
            }
        @unknown default:
            path = []
            problem = "\(error)"
        }
        return invalidParameters(jobName: jobName, type: type, path: text(of: path), problem: problem)
    }

    /// What JSONSerialization says is wrong with `data`, or `nil` when it is valid JSON.
    private static func syntaxError(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let nsError = error as NSError
            let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String ?? nsError.localizedDescription
            return lowercasedFirst(detail.trimmingCharacters(in: CharacterSet(charactersIn: ". ")))
        }
    }

    /// `parameters.recipients[1]`, `parameters["odd key"]`.
    private static func text(of path: [any CodingKey]) -> String {
        var text = "parameters"
        for key in path {
            if let index = key.intValue, key.stringValue == "Index \(index)" {
                text += "[\(index)]"
            } else if isPlain(key.stringValue) {
                text += "." + key.stringValue
            } else {
                text += "[\(String(reflecting: key.stringValue))]"
            }
        }
        return text
    }

    private static func isPlain(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return false }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-"))
        return key.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    /// "a string", "an integer", … for the types `JSONDecoder` names in its errors.
    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type, is Character.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int8.Type, is Int16.Type, is Int32.Type, is Int64.Type,
             is UInt.Type, is UInt8.Type, is UInt16.Type, is UInt32.Type, is UInt64.Type: "an integer"
        case is Double.Type, is Float.Type, is Decimal.Type: "a number"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "a value of type \(type)"
        }
    }

    /// What the JSON holds at `path`, in words; `nil` when it cannot be read.
    private static func found(at path: [any CodingKey], in data: Data) -> String? {
        guard var value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        for key in path {
            if let array = value as? [Any], let index = key.intValue, array.indices.contains(index) {
                value = array[index]
            } else if let object = value as? [String: Any], let member = object[key.stringValue] {
                value = member
            } else {
                return nil
            }
        }
        switch value {
        case is NSNull:
            return "null"
        case let text as String:
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "the string \(String(reflecting: shown))"
        case let number as NSNumber:
            let kind = String(cString: number.objCType)
            if kind == "c" || String(describing: Swift.type(of: number)).contains("Boolean") {
                return "the boolean \(number.boolValue)"
            }
            return "the number \(number)"
        case is [Any]:
            return "an array"
        case is [String: Any]:
            return "an object"
        default:
            return nil
        }
    }

    private static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
