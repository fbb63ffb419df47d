import JobKit

/// The `parameters` of a `shell` job in the jobs file: what to run, how, and for how long.
///
/// ```json
/// "parameters": {
///   "command": ["pg_dump", "--file=/backup/app.sql", "app"],
///   "env": {"PGHOST": "db1"},
///   "cwd": "/srv/app",
///   "timeout": "10m"
/// }
/// ```
///
/// Two forms of `command`:
/// - **Without a shell** (the default): an array of strings, the program and its arguments.
///   Each string reaches the program verbatim as one argument: nothing is split, quoted,
///   expanded or globbed. A program without a slash is looked up in `PATH`.
/// - **With `"shell": true`**: the script for `/bin/sh -c`, written either as one string
///   (`"command": "pg_dump app | gzip > /backup/app.gz"`) or as an array holding exactly that
///   one string. A string `command` without `"shell": true` is refused, so that a shell never
///   runs by accident.
///
/// The rules are strict so that a typo never silently changes what runs: unknown keys are
/// refused (with a did-you-mean), `null` counts as a wrong type rather than as absent, and
/// every string that reaches the operating system is checked for a NUL character. `env` names
/// must be non-empty and hold no `=`; the four variables JobKit sets for every shell job
/// (``ShellCommand/jobVariable``, ``ShellCommand/tickVariable``, ``ShellCommand/lockIDVariable``,
/// ``ShellCommand/lockTokenVariable``) cannot be set there. A decoding failure is a
/// `DecodingError.dataCorrupted` whose coding path leads to the field at fault, whose debug
/// description says what is wrong with it, and whose underlying error is a
/// ``ShellParametersError`` that names the field, such as
/// `parameters.command is empty; give the program and its arguments, as in ["pg_dump", "app"].`
public struct ShellParameters: Sendable, Hashable {
    /// The program and its arguments; with ``shell``, a single element holding the script.
    public let command: [String]
    /// Whether ``command`` is a script for `/bin/sh -c` rather than a program to run directly.
    public let shell: Bool
    /// Variables added to the environment the scheduler was started with; these win over
    /// inherited ones of the same name.
    public let env: [String: String]
    /// The directory the command runs in; the scheduler's working directory when `nil`. A
    /// relative path is relative to the scheduler's working directory.
    public let cwd: String?
    /// How long the command may run before its process group is terminated; no limit when
    /// `nil`. Always more than zero.
    public let timeout: Duration?

    /// The keys `parameters` may hold, in the order messages list them.
    public static let keys = ["command", "shell", "env", "cwd", "timeout"]

    /// Creates parameters, checked by the same rules as the jobs file.
    ///
    /// - Throws: ``ShellParametersError`` naming the first field that breaks a rule.
    public init(
        command: [String],
        shell: Bool = false,
        env: [String: String] = [:],
        cwd: String? = nil,
        timeout: Duration? = nil
    ) throws(ShellParametersError) {
        try Self.check(command: command, shell: shell)
        for name in env.keys.sorted() {
            try Self.check(variable: name, value: env[name] ?? "")
        }
        if let cwd { try Self.check(cwd: cwd) }
        if let timeout { try Self.check(timeout: timeout) }
        self.command = command
        self.shell = shell
        self.env = env
        self.cwd = cwd
        self.timeout = timeout
    }
}
