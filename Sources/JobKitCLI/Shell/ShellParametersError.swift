/// A shell job's `parameters` that break a rule of ``ShellParameters``.
///
/// The ``description`` names the field by its path from `parameters` and says what to write
/// instead, e.g. `parameters.command is empty; give the program and its arguments, as in
/// ["pg_dump", "app"].`
public struct ShellParametersError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field at fault as a path from the job's `parameters`: `parameters.command`,
    /// `parameters.command[1]`, `parameters.env.PGPORT` or `parameters.env["A=B"]`.
    public let field: String
    /// What is wrong with the field, as a clause that follows its name: `is empty; give …`.
    /// It is also the debug description of the `DecodingError` that decoding throws.
    public let problem: String
    /// The field as coding keys below `parameters`, for the `DecodingError`'s coding path.
    let path: [ShellParameterKey]

    init(_ path: [ShellParameterKey], _ problem: String) {
        self.path = path
        self.problem = problem
        self.field = Self.text(of: path)
    }

    /// The message: `<field> <problem>.`
    public var description: String { "\(field) \(problem)." }

    /// `parameters.command[1]`, `parameters.env["odd key"]`.
    private static func text(of path: [ShellParameterKey]) -> String {
        var text = "parameters"
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else if isPlain(key.stringValue) {
                text += "." + key.stringValue
            } else {
                text += "[\(String(reflecting: key.stringValue))]"
            }
        }
        return text
    }

    /// Whether a key can be written after a dot: an ASCII letter or `_`, then letters,
    /// digits, `_` or `-`.
    private static func isPlain(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first.isASCII,
              first.properties.isAlphabetic || first == "_" else { return false }
        return key.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
        }
    }
}
