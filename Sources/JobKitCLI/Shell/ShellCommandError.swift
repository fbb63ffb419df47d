import Foundation

/// A shell job's command that could not be started.
///
/// The ``description`` names the command and the file or directory at fault, e.g.
/// `Cannot run "pg_dumpx": command not found in PATH (/usr/local/bin:/usr/bin:/bin).`
public struct ShellCommandError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for matching: `error.code == .commandNotFound`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// No file by the program's name in any directory of `PATH`, or no file at the path given.
        public static let commandNotFound = Code("command not found")
        /// The program was found but cannot be executed: no execute permission, a directory,
        /// not a format the system can run, or a script whose `#!` interpreter does not exist.
        public static let notExecutable = Code("not executable")
        /// The working directory does not exist.
        public static let workingDirectoryNotFound = Code("working directory not found")
        /// The working directory exists but is not a directory.
        public static let workingDirectoryNotADirectory = Code("working directory is not a directory")
        /// Starting the process failed for another reason, given by ``ShellCommandError/errorNumber``.
        public static let spawnFailed = Code("spawn failed")

        /// The code's name, such as `command not found`.
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// The program as the command names it: `arguments[0]`.
    public let command: String
    /// The file or directory at fault, when there is one: the program's path, or the
    /// working directory.
    public let path: String?
    /// The `PATH` searched, for ``Code/commandNotFound`` of a name without a slash.
    public let searchPath: String?
    /// The `errno` value the system reported, when it reported one.
    public let errorNumber: Int32?
    /// What was being done when the system failed, for ``Code/spawnFailed``.
    let operation: String?

    init(
        _ code: Code, command: String, path: String? = nil, searchPath: String? = nil,
        errorNumber: Int32? = nil, operation: String? = nil
    ) {
        self.code = code
        self.command = command
        self.path = path
        self.searchPath = searchPath
        self.errorNumber = errorNumber
        self.operation = operation
    }

    /// The message: `Cannot run "<command>": <what is wrong>.`
    public var description: String {
        "Cannot run \(String(reflecting: command)): \(reason)."
    }

    private var reason: String {
        let shownPath = path ?? command
        switch code {
        case .commandNotFound:
            if let searchPath { return "command not found in PATH (\(searchPath))" }
            return "\(shownPath) does not exist"
        case .notExecutable:
            if errorNumber == EISDIR { return "\(shownPath) is a directory, not a program" }
            if errorNumber == ENOENT { return "the interpreter named on the #! line of \(shownPath) does not exist" }
            if errorNumber == ENOEXEC {
                return "\(shownPath) is not in a format the system can run; if it is a script, start it with a #! line"
            }
            return "\(shownPath) is not executable; give it execute permission (chmod +x) or run it through its interpreter"
        case .workingDirectoryNotFound:
            return "the working directory \(shownPath) does not exist"
        case .workingDirectoryNotADirectory:
            return "the working directory \(shownPath) is not a directory"
        default:
            var text = operation ?? "posix_spawn failed"
            if let errorNumber { text += ": \(String(cString: strerror(errorNumber))) (errno \(errorNumber))" }
            return text
        }
    }
}
