extension ShellParameters {
    /// How `command` looks without a shell, for messages.
    static let commandExample = #"["pg_dump", "app"]"#
    /// How `command` looks with a shell, for messages.
    static let scriptExample = #""pg_dump app | gzip > /backup/app.gz""#

    static func check(command: [String], shell: Bool) throws(ShellParametersError) {
        guard let first = command.first else {
            throw ShellParametersError(
                [.command],
                shell ? "is empty; give the script to run, as in \(scriptExample)"
                    : "is empty; give the program and its arguments, as in \(commandExample)"
            )
        }
        if shell, command.count > 1 {
            throw ShellParametersError(
                [.command],
                "has \(command.count) elements, but with \"shell\": true it holds the whole script as one string, as in \(scriptExample)"
            )
        }
        if first.isEmpty {
            throw ShellParametersError(
                [.command, ShellParameterKey(intValue: 0)],
                shell ? "is empty; it must hold the script to run" : "is empty; it must name the program to run"
            )
        }
        for (index, argument) in command.enumerated() where argument.utf8.contains(0) {
            throw ShellParametersError(
                [.command, ShellParameterKey(intValue: index)],
                "contains a NUL character, which cannot be passed to a program"
            )
        }
    }

    static func check(variable name: String, value: String) throws(ShellParametersError) {
        let path = [ShellParameterKey.env, ShellParameterKey(name)]
        if name.isEmpty {
            throw ShellParametersError(path, "is not a valid variable name: it is empty")
        }
        if name.contains("=") {
            throw ShellParametersError(path, "is not a valid variable name: it contains \"=\"")
        }
        if name.utf8.contains(0) {
            throw ShellParametersError(path, "is not a valid variable name: it contains a NUL character")
        }
        if ShellCommand.reservedVariables.contains(name) {
            throw ShellParametersError(path, "is reserved: JobKit sets it for every shell job")
        }
        if value.utf8.contains(0) {
            throw ShellParametersError(path, "contains a NUL character, which an environment variable cannot carry")
        }
    }

    static func check(cwd: String) throws(ShellParametersError) {
        if cwd.isEmpty {
            throw ShellParametersError([.cwd], "is empty; leave it out to run in the scheduler's working directory")
        }
        if cwd.utf8.contains(0) {
            throw ShellParametersError([.cwd], "contains a NUL character, which a path cannot carry")
        }
    }

    static func check(timeout: Duration) throws(ShellParametersError) {
        if timeout <= .zero {
            throw ShellParametersError([.timeout], "must be more than zero; leave it out for no time limit")
        }
    }
}
