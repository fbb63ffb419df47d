import Foundation
import JobKit

extension ShellParameters: Decodable {
    /// Decodes the `parameters` object of a `shell` job, by the rules of ``ShellParameters``.
    ///
    /// - Throws: `DecodingError.dataCorrupted` whose coding path leads to the field at fault
    ///   (below `decoder.codingPath`), whose debug description is ``ShellParametersError/problem``
    ///   and whose underlying error is the ``ShellParametersError``.
    public init(from decoder: any Decoder) throws {
        do {
            self = try Self.decoded(from: decoder)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath + error.path,
                    debugDescription: error.problem,
                    underlyingError: error
                )
            )
        }
    }

    /// Decodes the `parameters` object of a `shell` job from JSON.
    ///
    /// - Throws: ``ShellParametersError`` naming the first field that breaks a rule, or
    ///   `parameters` itself when `json` is not a JSON object.
    public init(json: Data) throws(ShellParametersError) {
        do {
            self = try JSONDecoder().decode(ShellParameters.self, from: json)
        } catch {
            if case .dataCorrupted(let context)? = error as? DecodingError,
               let problem = context.underlyingError as? ShellParametersError {
                throw problem
            }
            throw ShellParametersError([], "must be a JSON object, as in {\"command\": \(Self.commandExample)}")
        }
    }

    // MARK: Decoding

    private static func decoded(from decoder: any Decoder) throws(ShellParametersError) -> ShellParameters {
        guard let container = try? decoder.container(keyedBy: ShellParameterKey.self) else {
            let found = (try? decoder.singleValueContainer()).flatMap { describe(single: $0) }
            throw ShellParametersError(
                [],
                "must be an object, as in {\"command\": \(commandExample)}" + (found.map { ", found \($0)" } ?? "")
            )
        }
        try rejectUnknownKeys(in: container)
        let shell = try decodeShell(from: container)
        let command = try decodeCommand(from: container, shell: shell)
        let env = try decodeEnv(from: container)
        let cwd = try decodeCwd(from: container)
        let timeout = try decodeTimeout(from: container)
        return try ShellParameters(command: command, shell: shell, env: env, cwd: cwd, timeout: timeout)
    }

    private static func rejectUnknownKeys(
        in container: KeyedDecodingContainer<ShellParameterKey>
    ) throws(ShellParametersError) {
        let unknown = container.allKeys.map(\.stringValue).filter { !keys.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        let known = keys.dropLast().joined(separator: ", ") + " and " + keys[keys.count - 1]
        if let guess = closestKey(to: first) {
            throw ShellParametersError(
                [ShellParameterKey(first)],
                "is not a shell job parameter; did you mean \"\(guess)\"? The parameters are \(known)"
            )
        }
        throw ShellParametersError([ShellParameterKey(first)], "is not a shell job parameter; the parameters are \(known)")
    }

    private static func decodeShell(
        from container: KeyedDecodingContainer<ShellParameterKey>
    ) throws(ShellParametersError) -> Bool {
        guard container.contains(.shell) else { return false }
        guard let shell = try? container.decode(Bool.self, forKey: .shell) else {
            throw ShellParametersError([.shell], "must be true or false, found \(describe(container, .shell))")
        }
        return shell
    }

    private static func decodeCommand(
        from container: KeyedDecodingContainer<ShellParameterKey>,
        shell: Bool
    ) throws(ShellParametersError) -> [String] {
        guard container.contains(.command) else {
            throw ShellParametersError(
                [.command],
                shell ? "is required; give the script to run, as in \(scriptExample)"
                    : "is required; give the program and its arguments, as in \(commandExample)"
            )
        }
        if var array = try? container.nestedUnkeyedContainer(forKey: .command) {
            var command: [String] = []
            while !array.isAtEnd {
                let index = array.currentIndex
                guard let argument = try? array.decode(String.self) else {
                    throw ShellParametersError(
                        [.command, ShellParameterKey(intValue: index)],
                        "must be a string, found \(describeNext(in: &array))"
                    )
                }
                command.append(argument)
            }
            return command
        }
        if let script = try? container.decode(String.self, forKey: .command) {
            guard shell else {
                throw ShellParametersError(
                    [.command],
                    "is a string, which runs only through a shell: add \"shell\": true, or give the program and its arguments as an array, as in \(commandExample)"
                )
            }
            return [script]
        }
        throw ShellParametersError(
            [.command],
            "must be an array of strings, as in \(commandExample), found \(describe(container, .command))"
        )
    }

    private static func decodeEnv(
        from container: KeyedDecodingContainer<ShellParameterKey>
    ) throws(ShellParametersError) -> [String: String] {
        guard container.contains(.env) else { return [:] }
        guard let object = try? container.nestedContainer(keyedBy: ShellParameterKey.self, forKey: .env) else {
            throw ShellParametersError(
                [.env],
                "must be an object of variable names to strings, as in {\"PGHOST\": \"db1\"}, found \(describe(container, .env))"
            )
        }
        var env: [String: String] = [:]
        for key in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            guard let value = try? object.decode(String.self, forKey: key) else {
                var problem = "must be a string, found \(describe(object, key))"
                if let scalar = scalarText(object, key) {
                    problem += "; write it in quotes, as in \"\(scalar)\""
                }
                throw ShellParametersError([.env, key], problem)
            }
            env[key.stringValue] = value
        }
        return env
    }

    private static func decodeCwd(
        from container: KeyedDecodingContainer<ShellParameterKey>
    ) throws(ShellParametersError) -> String? {
        guard container.contains(.cwd) else { return nil }
        guard let cwd = try? container.decode(String.self, forKey: .cwd) else {
            throw ShellParametersError([.cwd], "must be a string, found \(describe(container, .cwd))")
        }
        return cwd
    }

    private static func decodeTimeout(
        from container: KeyedDecodingContainer<ShellParameterKey>
    ) throws(ShellParametersError) -> Duration? {
        guard container.contains(.timeout) else { return nil }
        do {
            if let text = try? container.decode(String.self, forKey: .timeout) {
                return try DurationText(text).duration
            }
            if let seconds = try? container.decode(Double.self, forKey: .timeout) {
                return try DurationText(seconds: seconds).duration
            }
        } catch {
            var message = error.description
            if message.hasSuffix(".") { message.removeLast() }
            throw ShellParametersError([.timeout], "is invalid: \(message)")
        }
        throw ShellParametersError(
            [.timeout],
            "must be a duration such as 90, \"90s\" or \"5m\", found \(describe(container, .timeout))"
        )
    }

    // MARK: Describing what was found

    /// `null`, `the boolean true`, `the number 5`, `the string "x"`, `an array`, `an object`.
    private static func describe(
        _ container: KeyedDecodingContainer<ShellParameterKey>,
        _ key: ShellParameterKey
    ) -> String {
        if (try? container.decodeNil(forKey: key)) == true { return "null" }
        if let value = try? container.decode(Bool.self, forKey: key) { return "the boolean \(value)" }
        if let value = try? container.decode(Int64.self, forKey: key) { return "the number \(value)" }
        if let value = try? container.decode(Double.self, forKey: key) { return "the number \(value)" }
        if let value = try? container.decode(String.self, forKey: key) { return "the string \(quoted(value))" }
        if (try? container.nestedUnkeyedContainer(forKey: key)) != nil { return "an array" }
        if (try? container.nestedContainer(keyedBy: ShellParameterKey.self, forKey: key)) != nil { return "an object" }
        return "a value of another kind"
    }

    /// Describes the element at the container's position, as ``describe(_:_:)`` does.
    private static func describeNext(in container: inout any UnkeyedDecodingContainer) -> String {
        if (try? container.decodeNil()) == true { return "null" }
        if let value = try? container.decode(Bool.self) { return "the boolean \(value)" }
        if let value = try? container.decode(Int64.self) { return "the number \(value)" }
        if let value = try? container.decode(Double.self) { return "the number \(value)" }
        if (try? container.nestedUnkeyedContainer()) != nil { return "an array" }
        if (try? container.nestedContainer(keyedBy: ShellParameterKey.self)) != nil { return "an object" }
        return "a value of another kind"
    }

    private static func describe(single container: any SingleValueDecodingContainer) -> String? {
        if container.decodeNil() { return "null" }
        if let value = try? container.decode(Bool.self) { return "the boolean \(value)" }
        if let value = try? container.decode(Int64.self) { return "the number \(value)" }
        if let value = try? container.decode(Double.self) { return "the number \(value)" }
        if let value = try? container.decode(String.self) { return "the string \(quoted(value))" }
        return nil
    }

    /// The JSON text of a number or boolean, for `write it in quotes, as in "5432"`.
    private static func scalarText(
        _ container: KeyedDecodingContainer<ShellParameterKey>,
        _ key: ShellParameterKey
    ) -> String? {
        if let value = try? container.decode(Bool.self, forKey: key) { return String(value) }
        if let value = try? container.decode(Int64.self, forKey: key) { return String(value) }
        if let value = try? container.decode(Double.self, forKey: key) { return String(value) }
        return nil
    }

    private static func quoted(_ text: String) -> String {
        String(reflecting: text.count > 40 ? String(text.prefix(40)) + "…" : text)
    }

    // MARK: Did you mean

    /// Names people reach for out of habit from other tools, and the key meant.
    private static let aliases = [
        "cmd": "command", "args": "command", "argv": "command", "script": "command", "run": "command",
        "environment": "env", "environ": "env", "vars": "env", "variables": "env",
        "dir": "cwd", "directory": "cwd", "workdir": "cwd", "working_directory": "cwd", "chdir": "cwd",
        "sh": "shell", "use_shell": "shell",
    ]

    /// The known key a misspelt one most probably meant: a common other name for it (`cmd`,
    /// `workdir`, `environment`), else the closest key at most one edit per three characters
    /// away (at least one; an edit inserts, deletes or replaces a character or swaps two
    /// neighbours), ignoring case, or a prefix of at least three characters either way.
    static func closestKey(to word: String) -> String? {
        if let alias = aliases[word.lowercased()] { return alias }
        return Suggestions.closest(to: word, among: ShellParameters.keys)
    }
}
