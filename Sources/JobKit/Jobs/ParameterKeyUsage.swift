import Foundation
import Synchronization

/// Which keys of which JSON objects a `Decodable` type asked for while it decoded a job's
/// parameters (`decode`, `decodeIfPresent`, `contains`, nested containers), by coding path.
///
/// A synthesized `init(from:)` asks for every property's key, present or not, so a key in the
/// JSON that was never asked for is one the type ignores: a typo (`"dryrun"` for `dryRun`)
/// that would silently leave a job in its default mode. ``unknownKeys(in:)`` finds them.
final class ParameterKeyUsage: Sendable {
    private let asked = Mutex<[String: Set<String>]>([:])

    /// Records that the object at `path` was asked for `key`.
    func ask(_ key: String, at path: [any CodingKey]) {
        let path = Self.text(path)
        asked.withLock { _ = $0[path, default: []].insert(key) }
    }

    /// Records that the object at `path` was opened, even if no key is asked of it.
    func open(at path: [any CodingKey]) {
        let path = Self.text(path)
        asked.withLock { _ = $0[path, default: []] }
    }

    /// The keys of `json` never asked for, each with its dotted path (`parameters.dryrun`) and
    /// the keys its object was asked for (the candidates of a did-you-mean), in file order of
    /// paths and keys sorted. Objects the type never opened are not judged.
    func unknownKeys(in json: Any) -> [(path: String, key: String, known: [String])] {
        let asked = self.asked.withLock { $0 }
        var found: [(path: String, key: String, known: [String])] = []
        func walk(_ value: Any, _ path: [String]) {
            if let object = value as? [String: Any] {
                let joined = path.joined(separator: "\u{1F}")
                if let known = asked[joined] {
                    for key in object.keys.sorted() where !known.contains(key) {
                        found.append((Self.display(path + [key]), key, known.sorted()))
                    }
                }
                for (key, member) in object.sorted(by: { $0.key < $1.key }) { walk(member, path + [key]) }
            } else if let array = value as? [Any] {
                for (index, element) in array.enumerated() { walk(element, path + ["\(index)"]) }
            }
        }
        walk(json, [])
        return found
    }

    private static func text(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "\u{1F}")
    }

    /// `["a", "0", "b"]` as `parameters.a[0].b`.
    private static func display(_ path: [String]) -> String {
        path.reduce("parameters") { text, part in Int(part) != nil ? "\(text)[\(part)]" : "\(text).\(part)" }
    }
}
