import Foundation

/// Helpers for PostgreSQL connection strings (`postgres://…` URLs and libpq keyword strings)
/// that keep passwords out of every message.
enum ConnectionString {
    /// `text` with any password replaced by `***`: the `user:password@` part of a URL, a
    /// `password=` query parameter, and a `password=` keyword.
    static func redacted(_ text: String) -> String {
        var result = text
        // URL form: scheme://user:password@host — the password runs to the last '@' before the
        // host, because an unescaped '@' may appear inside it.
        if let schemeEnd = result.range(of: "://") {
            let afterScheme = result[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
            let authority = afterScheme[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"),
               let colon = authority[..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        // Keyword and query forms: password=… up to the next separator. A quoted keyword value
        // runs to its closing quote.
        var output = ""
        var rest = Substring(result)
        while let match = rest.range(of: "password=", options: .caseInsensitive) {
            output += rest[..<match.upperBound]
            output += "***"
            var tail = rest[match.upperBound...]
            if tail.first == "'" {
                tail = tail.dropFirst()
                var escaped = false
                var end = tail.endIndex
                for index in tail.indices {
                    if escaped { escaped = false; continue }
                    if tail[index] == "\\" { escaped = true; continue }
                    if tail[index] == "'" { end = tail.index(after: index); break }
                }
                rest = tail[end...]
            } else {
                let end = tail.firstIndex(where: { $0 == " " || $0 == "&" || $0 == "\t" || $0 == "\n" }) ?? tail.endIndex
                rest = tail[end...]
            }
        }
        output += rest
        return output
    }
}
