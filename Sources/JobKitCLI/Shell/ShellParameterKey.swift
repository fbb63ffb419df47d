/// A coding key for any member name or array index of a shell job's `parameters`, so that
/// decoding can list the keys actually present and point errors at array elements.
struct ShellParameterKey: CodingKey, Sendable, Hashable {
    let stringValue: String
    let intValue: Int?

    init(_ name: String) {
        stringValue = name
        intValue = nil
    }

    init?(stringValue: String) {
        self.init(stringValue)
    }

    /// An array position, spelled `Index 2` as `JSONDecoder` spells it in coding paths.
    init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }

    static let command = ShellParameterKey("command")
    static let shell = ShellParameterKey("shell")
    static let env = ShellParameterKey("env")
    static let cwd = ShellParameterKey("cwd")
    static let timeout = ShellParameterKey("timeout")
}
