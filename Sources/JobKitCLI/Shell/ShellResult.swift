#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import JobKit

/// How a shell command ended: its exit status or the signal that ended it, whether JobKit
/// stopped it, the tails of its output and how long it took.
///
/// The ``description`` is written for the `error` field of a `job.failed` event:
/// `exit status 3; stderr: pg_dump: error: connection to server failed`.
public struct ShellResult: Sendable, Hashable, CustomStringConvertible {
    /// The exit status, when the command exited (rather than being ended by a signal).
    public let exitCode: Int32?
    /// The signal that ended the command, when one did.
    ///
    /// ``exitCode`` and ``signal`` are never both set; both are `nil` only if the exit
    /// status was lost because something else in the process reaped the child.
    public let signal: Int32?
    /// Whether the time limit ran out and JobKit terminated the command's process group.
    public let timedOut: Bool
    /// Whether the task awaiting ``ShellCommand/run()`` was cancelled while the command ran,
    /// and JobKit terminated its process group. At most one of ``timedOut`` and
    /// ``cancelled`` is set: the one that started the termination.
    public let cancelled: Bool
    /// Whether the command exited but left processes running in its process group, which
    /// JobKit then terminated.
    public let terminatedLeftoverProcesses: Bool
    /// The time limit that was in force, if any.
    public let timeout: Duration?
    /// The end of what the command wrote to stdout.
    public let stdoutTail: ShellOutputTail
    /// The end of what the command wrote to stderr.
    public let stderrTail: ShellOutputTail
    /// From the start of the command until it and its process group were gone and its
    /// output read.
    public let duration: Duration

    /// Creates a result; the runner creates them, tests may too.
    public init(
        exitCode: Int32?,
        signal: Int32?,
        timedOut: Bool = false,
        cancelled: Bool = false,
        terminatedLeftoverProcesses: Bool = false,
        timeout: Duration? = nil,
        stdoutTail: ShellOutputTail,
        stderrTail: ShellOutputTail,
        duration: Duration
    ) {
        self.exitCode = exitCode
        self.signal = signal
        self.timedOut = timedOut
        self.cancelled = cancelled
        self.terminatedLeftoverProcesses = terminatedLeftoverProcesses
        self.timeout = timeout
        self.stdoutTail = stdoutTail
        self.stderrTail = stderrTail
        self.duration = duration
    }

    /// Whether the command exited with status 0 by itself: not timed out, not cancelled.
    public var succeeded: Bool { exitCode == 0 && !timedOut && !cancelled }

    /// How many of the last output lines ``description`` quotes.
    public static let describedLineLimit = 5
    /// How many characters of output ``description`` quotes at most, keeping the end.
    public static let describedCharacterLimit = 1000

    /// How the command ended, then the last few lines of stderr (or of stdout, when stderr
    /// is empty): `exit status 3; stderr: …`, `killed by signal 9 (SIGKILL)`,
    /// `timed out after 5m and was terminated: killed by signal 15 (SIGTERM); stderr: …`,
    /// `cancelled and terminated: killed by signal 15 (SIGTERM)`.
    public var description: String {
        var text = ending
        if terminatedLeftoverProcesses {
            text += "; processes it left running in its process group were terminated"
        }
        if !stderrTail.lines.isEmpty {
            text += "; stderr: " + Self.quote(stderrTail)
        } else if !stdoutTail.lines.isEmpty {
            text += "; stdout: " + Self.quote(stdoutTail)
        }
        return text
    }

    private var ending: String {
        let status: String
        if let exitCode {
            status = "exit status \(exitCode)"
        } else if let signal {
            status = "killed by signal \(signal)" + (Self.signalName(signal).map { " (\($0))" } ?? "")
        } else {
            status = "exit status unknown"
        }
        if timedOut {
            let limit = timeout.map { " after \($0.jobKitText)" } ?? ""
            return "timed out\(limit) and was terminated: \(status)"
        }
        if cancelled {
            return "cancelled and terminated: \(status)"
        }
        return status
    }

    private static func quote(_ tail: ShellOutputTail) -> String {
        var text = tail.lines.suffix(describedLineLimit).joined(separator: "\n")
        if text.count > describedCharacterLimit {
            text = "…" + text.suffix(describedCharacterLimit - 1)
        }
        return text
    }

    /// `SIGTERM` for 15, and so on for the signals a job commonly dies of.
    static func signalName(_ signal: Int32) -> String? {
        switch signal {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGUSR1: "SIGUSR1"
        case SIGSEGV: "SIGSEGV"
        case SIGUSR2: "SIGUSR2"
        case SIGPIPE: "SIGPIPE"
        case SIGALRM: "SIGALRM"
        case SIGTERM: "SIGTERM"
        case SIGXCPU: "SIGXCPU"
        case SIGXFSZ: "SIGXFSZ"
        default: nil
        }
    }
}
