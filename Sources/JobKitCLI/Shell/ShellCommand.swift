import Foundation
import JobKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A command ready to run as a child process of its own process group: the program and its
/// arguments, the complete environment, the working directory and the limits.
///
/// ``run()`` starts it with `posix_spawn` and supervises it:
/// - The child runs in a new process group (its id is the child's pid), with stdin from
///   `/dev/null`, stdout and stderr to pipes, every other descriptor of the scheduler closed,
///   an empty signal mask and default signal dispositions (so a `SIGPIPE` the scheduler
///   ignores is not ignored by the job).
/// - Both pipes are drained to the end on a Dispatch queue, off Swift's cooperative thread
///   pool, so the child never blocks on a full pipe; only a bounded tail of each is kept
///   (``tailLineLimit`` lines of at most ``tailLineByteLimit`` bytes).
/// - The exit is awaited by `waitpid` on a dedicated thread.
/// - **A job is its process group.** On ``timeout``, on cancellation of the task awaiting
///   ``run()``, and when the command exits but leaves processes running in its group, the
///   whole group gets `SIGTERM`, then `SIGKILL` after ``terminationGrace`` if anything of it
///   is still alive. So nothing the job started outlives its lock, unless it left the group
///   on purpose (`setsid`); such a process still holding the output pipes is waited for
///   ``terminationGrace`` at most, then its pipes are closed.
///
/// ``run()`` returns only once the command has exited and its group is gone (or was sent
/// `SIGKILL`), so the caller may release the lock as soon as it returns.
public struct ShellCommand: Sendable, Hashable {
    /// The environment variable holding the job's name.
    public static let jobVariable = "JOBKIT_JOB"
    /// The environment variable holding the scheduled tick the run is for, in RFC 3339 with
    /// milliseconds (`2026-11-23T09:15:00.000Z`); absent when the run is not for a tick.
    public static let tickVariable = "JOBKIT_TICK"
    /// The environment variable holding the lock id the job holds.
    public static let lockIDVariable = "JOBKIT_LOCK_ID"
    /// The environment variable holding the lease's fencing token, a decimal integer: a
    /// script can hand it to a resource that refuses writes from an older lease.
    public static let lockTokenVariable = "JOBKIT_LOCK_TOKEN"
    /// The shell that runs a command with `"shell": true`, as `/bin/sh -c SCRIPT`.
    public static let shellPath = "/bin/sh"
    /// The search path used when the environment has no `PATH`, as `execvp` uses it.
    public static let defaultSearchPath = "/bin:/usr/bin"

    /// The variables JobKit sets for every shell job, which `parameters.env` may not set.
    static let reservedVariables: Set<String> = [jobVariable, tickVariable, lockIDVariable, lockTokenVariable, runVariable]

    /// The environment variable marking every process of one run, set at spawn to a value
    /// unique to the run: the processes that hold it when the run ends, including those that
    /// left its process group (`setsid`, a double fork), are ended with it.
    public static let runVariable = "JOBKIT_RUN"

    /// The program and its arguments, `argv` as the program receives it: `arguments[0]` is
    /// the program, a name looked up in the `PATH` of ``environment`` or a path with a slash
    /// (relative to ``workingDirectory`` when it has one).
    public var arguments: [String]
    /// The child's complete environment.
    public var environment: [String: String]
    /// The directory the child starts in; the scheduler's working directory when `nil`.
    public var workingDirectory: String?
    /// How long the command may run before its process group is terminated; no limit when
    /// `nil`.
    public var timeout: Duration?
    /// How long a terminated group gets between `SIGTERM` and `SIGKILL`, and how long the
    /// output pipes are still read after the group is gone. Default: 2 seconds.
    public var terminationGrace: Duration = .seconds(2)
    /// How many of the last lines of stdout and of stderr the result keeps. Default: 20.
    public var tailLineLimit = 20
    /// How many bytes of each kept line the result keeps; longer lines are cut and end in
    /// `…`. Default: 4096.
    public var tailLineByteLimit = 4096

    /// Creates a command from its parts, unchecked: ``ShellParameters`` checks what comes
    /// from a jobs file. No string may hold a NUL character (C cuts it there), and no
    /// variable name may hold `=`.
    ///
    /// - Parameters:
    ///   - arguments: `argv`: the program, then its arguments; must not be empty.
    ///   - environment: the child's complete environment.
    ///   - workingDirectory: the directory to start in, or `nil` for the scheduler's.
    ///   - timeout: the time limit, or `nil` for none.
    public init(
        arguments: [String],
        environment: [String: String],
        workingDirectory: String? = nil,
        timeout: Duration? = nil
    ) {
        precondition(!arguments.isEmpty, "A command needs at least the program in its arguments.")
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
    }

    /// Creates the command a `shell` job runs for one tick.
    ///
    /// The environment is `inheritedEnvironment`, then `parameters.env` on top, then the four
    /// JobKit variables (``jobVariable``, ``tickVariable``, ``lockIDVariable``,
    /// ``lockTokenVariable``); inherited values of those four are dropped, so a scheduler
    /// started from a shell job does not pass its parent's values on. With
    /// `parameters.shell`, the program is ``shellPath`` run as `sh -c SCRIPT`.
    ///
    /// - Parameters:
    ///   - parameters: the job's parameters.
    ///   - jobName: the job's name, for ``jobVariable``.
    ///   - tick: the scheduled time the run is for, for ``tickVariable``; `nil` leaves it unset.
    ///   - lockID: the lock id held, for ``lockIDVariable``.
    ///   - lockToken: the lease's fencing token, for ``lockTokenVariable``.
    ///   - inheritedEnvironment: the environment to start from; the scheduler's own by default.
    public init(
        parameters: ShellParameters,
        jobName: String,
        tick: Date?,
        lockID: String,
        lockToken: Int64,
        inheritedEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        var environment = inheritedEnvironment.filter { !Self.reservedVariables.contains($0.key) }
        environment.merge(parameters.env) { _, new in new }
        environment[Self.jobVariable] = jobName
        environment[Self.tickVariable] = tick?.jobKitTimestamp
        environment[Self.lockIDVariable] = lockID
        environment[Self.lockTokenVariable] = String(lockToken)
        let arguments = parameters.shell ? [Self.shellPath, "-c", parameters.command[0]] : parameters.command
        self.init(
            arguments: arguments,
            environment: environment,
            workingDirectory: parameters.cwd,
            timeout: parameters.timeout
        )
    }

    /// Runs the command to its end and reports how it ended.
    ///
    /// Cancellation: when the task awaiting this method is cancelled while the command runs,
    /// its process group is terminated as on a timeout and the method *returns* a result with
    /// ``ShellResult/cancelled`` set, carrying the output read so far, rather than throwing;
    /// a caller that wants `CancellationError` throws it after looking at the result. When
    /// the task is cancelled before the command starts, nothing starts and the method throws
    /// `CancellationError`.
    ///
    /// A non-zero exit is a result, not an error: see ``ShellResult/succeeded``.
    ///
    /// While the command runs, a watchdog process ends its group if this process dies, however
    /// it dies (see `ShellWatchdog`), so a job never outlives its scheduler.
    ///
    /// A program file that is still open for writing (`ETXTBSY`) is tried again a few times
    /// over about half a second before that counts as a failure.
    ///
    /// - Throws: ``ShellCommandError`` when the command cannot start (command not found, not
    ///   executable, missing working directory, spawn failure); `CancellationError` when the
    ///   task was cancelled before the start.
    public func run() async throws -> ShellResult {
        // If the scheduler dies (even by kill -9), the watchdog kills the job's group and the
        // processes that left it. The run's marker is listed before the spawn, so no instant of
        // the job runs unwatched; its group once it is known.
        let marker = ShellDescendants.newMarker()
        ShellWatchdog.shared.watch(marker)
        defer { ShellWatchdog.shared.release(marker) }
        let process = try await spawnWhenNotBusy(marker: marker)
        ShellWatchdog.shared.watch(marker, group: process.pid)
        return await withTaskCancellationHandler {
            await process.result()
        } onCancel: {
            process.cancel()
        }
    }

    /// Spawns on a ``ShellSpawner`` thread (`posix_spawn` holds its thread until the child
    /// has called `exec`), trying again a few times while the program file is busy (`ETXTBSY`).
    ///
    /// A file is busy while it is open for writing somewhere: being deployed, or just written
    /// by this very process while another thread's child briefly holds a copy of the
    /// descriptor between fork and exec. That passes in moments.
    private func spawnWhenNotBusy(marker: String) async throws -> ShellProcess {
        var attempt = 0
        while true {
            try Task.checkCancellation()
            let outcome = await ShellSpawner.shared.perform { [self] cancelled in
                cancelled ? nil : Result(catching: { () throws(ShellCommandError) -> ShellProcess in try spawn(marker: marker) })
            }
            guard let outcome else { throw CancellationError() }
            switch outcome {
            case .success(let process):
                return process
            case .failure(let error):
                guard error.errorNumber == ETXTBSY, attempt < Self.busyRetryLimit else { throw error }
                attempt += 1
                try await Task.sleep(for: .milliseconds(10 << attempt))
            }
        }
    }

    /// How often ``run()`` tries again when the program is busy being written (`ETXTBSY`).
    static let busyRetryLimit = 5

    /// The program as messages name it.
    var programName: String { arguments[0] }
}
