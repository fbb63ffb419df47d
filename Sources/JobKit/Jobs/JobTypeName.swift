import Foundation

/// Turns a Swift type into a job type name that every process of a fleet spells the same.
enum JobTypeName {
    /// `String(reflecting:)` of `type`, without the `(unknown context at $…).` segments that the
    /// runtime prints for `private`, `fileprivate` and function-local types. Those segments hold
    /// an address that changes from process to process (ASLR), so a lock id built from them
    /// would differ on every machine and exclude nothing.
    static func of(_ type: Any.Type) -> String {
        stable(String(reflecting: type))
    }

    /// `reflected` without its `(unknown context at $…).` segments.
    static func stable(_ reflected: String) -> String {
        let marker = "(unknown context at $"
        var result = ""
        var rest = Substring(reflected)
        while let start = rest.range(of: marker) {
            result += rest[..<start.lowerBound]
            rest = rest[start.upperBound...]
            guard let close = rest.firstIndex(of: ")") else {
                result += marker
                break
            }
            rest = rest[rest.index(after: close)...]
            if rest.first == "." { rest = rest.dropFirst() }
        }
        return result + rest
    }
}
