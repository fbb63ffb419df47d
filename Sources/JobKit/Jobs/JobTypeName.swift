import Foundation
import Synchronization

/// Turns a Swift type into a job type name that every process of a fleet spells the same.
enum JobTypeName {
    /// `String(reflecting:)` of `type`, without the `(unknown context at $…).` segments that the
    /// runtime prints for `private`, `fileprivate` and function-local types. Those segments hold
    /// an address that changes from process to process (ASLR), so a lock id built from them
    /// would differ on every machine and exclude nothing.
    ///
    /// Each type's name is worked out once per process and then read from a cache: the
    /// scheduler asks for it at every fire of every job, and `String(reflecting:)` with the
    /// search for those segments were 8% of a `jobkit-bench burst` worker's CPU.
    static func of(_ type: Any.Type) -> String {
        let key = ObjectIdentifier(type)
        if let known = names.withLock({ $0[key] }) { return known }
        let name = stable(String(reflecting: type))
        names.withLock { $0[key] = name }
        return name
    }

    /// The names worked out so far, by type.
    private static let names = Mutex<[ObjectIdentifier: String]>([:])

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
