/// A JSON array of strings (`["a","b"]`) written straight as UTF-8: how the control poll
/// passes every job name of a scheduler as one parameter. Foundation's `JSONSerialization`
/// took milliseconds of CPU per poll for 10,000 names; this writes the same JSON value.
enum JSONStringArray {
    /// `strings` as a JSON array, each escaped as in the JSON log lines.
    static func text(_ strings: [String]) -> String {
        var line = LineBuffer(capacity: strings.count * 16 + 2)
        line.append(ascii: "[")
        for (index, string) in strings.enumerated() {
            if index > 0 { line.append(ascii: ",") }
            line.appendJSONString(string)
        }
        line.append(ascii: "]")
        return String(decoding: line.bytes, as: UTF8.self)
    }
}
