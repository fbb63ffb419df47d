import Foundation

/// Decodes a job's parameters and rejects the keys its type never reads.
enum StrictParameters {
    /// A key of the parameters that the job type does not read.
    struct UnknownKey: Error {
        /// Where, as `parameters.dryrun`.
        let path: String
        let key: String
        /// The keys that object was read for: the candidates of the did-you-mean.
        let known: [String]

        /// The sentence `JobRegistryError` shows after the path.
        func problem(type: String) -> String {
            var text = "is not a parameter of job type \(type)"
            if let guess = Suggestions.closest(to: key, among: known) { text += "; did you mean \"\(guess)\"?" }
            if !known.isEmpty { text += (text.hasSuffix("?") ? " " : "; ") + "the parameters are \(Suggestions.list(known))" }
            return text
        }
    }

    private static let usageKey = CodingUserInfoKey(rawValue: "jobkit.parameterKeyUsage")!

    /// Decodes `type` from `data` like `JSONDecoder`; when `strict`, throws ``UnknownKey`` for
    /// the first key (in path order) that `type` did not ask for.
    static func decode<J: Decodable>(_ type: J.Type, from data: Data, strict: Bool) throws -> J {
        guard strict else { return try JSONDecoder().decode(J.self, from: data) }
        let usage = ParameterKeyUsage()
        let decoder = JSONDecoder()
        decoder.userInfo[usageKey] = usage
        let value = try decoder.decode(Recorded<J>.self, from: data).value
        let json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        if let first = usage.unknownKeys(in: json).first {
            throw UnknownKey(path: first.path, key: first.key, known: first.known)
        }
        return value
    }

    /// Decodes `J` through a ``RecordingDecoder`` around the JSON decoder's own.
    private struct Recorded<J: Decodable>: Decodable {
        let value: J

        init(from decoder: any Decoder) throws {
            guard let usage = decoder.userInfo[StrictParameters.usageKey] as? ParameterKeyUsage else {
                value = try J(from: decoder)
                return
            }
            value = try J(from: RecordingDecoder(base: decoder, usage: usage))
        }
    }
}
