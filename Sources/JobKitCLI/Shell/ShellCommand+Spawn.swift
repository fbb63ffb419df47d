import Foundation
#if canImport(Glibc)
import Glibc
#if canImport(CDispatch)
// `struct stat` can be owned by Dispatch's C module when it is loaded first; with member
// import visibility, the module that owns it must be imported where it is used.
import CDispatch
#endif
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ShellCommand {
    /// Starts the child in a new process group and returns its supervisor.
    ///
    /// The program is resolved first (see ``resolveProgram()``) so that the common mistakes
    /// get a precise error; what still fails at `posix_spawn` (a race, a missing `#!`
    /// interpreter, a directory that cannot be entered) is mapped to the same errors.
    func spawn(marker: String) throws(ShellCommandError) -> ShellProcess {
        let executable = try resolveProgram()
        let output = try makePipe()
        let errors: (read: Int32, write: Int32)
        do {
            errors = try makePipe()
        } catch {
            close(output.read)
            close(output.write)
            throw error
        }

        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        var flags: Int32 = 0   // beyond a group of its own and default signals (see startInGroupOfItsOwn)
        #if canImport(Darwin)
        if let workingDirectory {
            posix_spawn_file_actions_addchdir_np(&actions, workingDirectory)
        }
        // Every descriptor not named by a file action is closed in the child.
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #else
        if let workingDirectory {
            guard let addChdir = ShellLibC.addChdir else {
                Self.closeAll([output.read, output.write, errors.read, errors.write])
                throw ShellCommandError(
                    .spawnFailed, command: programName, path: workingDirectory,
                    operation: "this C library cannot start a program in another directory (posix_spawn_file_actions_addchdir_np needs glibc 2.29 or later)"
                )
            }
            _ = addChdir(&actions, workingDirectory)
        }
        // Every descriptor from 3 up is closed in the child, whatever its close-on-exec flag:
        // a descriptor another thread opened without O_CLOEXEC must not keep a pipe or a
        // database socket alive in the job.
        if let addCloseFrom = ShellLibC.addCloseFrom {
            _ = addCloseFrom(&actions, 3)
        } else {
            Self.markOpenDescriptorsCloseOnExec()
        }
        #endif
        Self.startInGroupOfItsOwn(&attributes, flags: flags)

        let environmentStrings = environment.filter { $0.key != Self.runVariable }.map { "\($0.key)=\($0.value)" }.sorted()
            + ["\(Self.runVariable)=\(marker)"]
        var pid: pid_t = 0
        let failure = Self.withCStringArray(arguments) { argv in
            Self.withCStringArray(environmentStrings) { envp in
                posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            }
        }
        close(output.write)
        close(errors.write)
        guard failure == 0 else {
            close(output.read)
            close(errors.read)
            throw spawnError(failure, executable: executable)
        }
        // A pidfd lets the supervisor's one thread notice the exit (it is close-on-exec).
        #if canImport(Darwin)
        let pidfd: Int32 = -1
        #else
        let pidfd = ShellLibC.pidfdOpen.map { $0(pid, 0) } ?? -1
        #endif
        return ShellProcess(pid: pid, marker: marker, stdout: output.read, stderr: errors.read, pidfd: pidfd, command: self)
    }

    // MARK: Resolving the program

    /// The path to execute: the program itself when it has a slash, else the first
    /// executable file of that name in the `PATH` of ``environment`` (or
    /// ``defaultSearchPath``), as `execvp` would find it. A relative result is relative to
    /// ``workingDirectory``, where the child is when it executes it.
    ///
    /// - Throws: ``ShellCommandError`` for a missing working directory, a program not found,
    ///   or one found but not executable.
    func resolveProgram() throws(ShellCommandError) -> String {
        if let workingDirectory {
            switch Self.kind(of: workingDirectory) {
            case .missing:
                throw ShellCommandError(.workingDirectoryNotFound, command: programName, path: workingDirectory)
            case .file:
                throw ShellCommandError(.workingDirectoryNotADirectory, command: programName, path: workingDirectory)
            case .directory, .unknown:
                break
            }
        }
        let program = programName
        if program.contains("/") {
            let shown = seenFromScheduler(program)
            switch Self.kind(of: shown) {
            case .missing:
                throw ShellCommandError(.commandNotFound, command: program, path: shown)
            case .directory:
                throw ShellCommandError(.notExecutable, command: program, path: shown, errorNumber: EISDIR)
            case .file(executable: false):
                throw ShellCommandError(.notExecutable, command: program, path: shown, errorNumber: EACCES)
            case .file(executable: true), .unknown:
                return program
            }
        }
        let searchPath = environment["PATH"] ?? Self.defaultSearchPath
        var denied: String?
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            // An empty entry means the working directory, as for execvp.
            let base = directory.isEmpty ? "." : String(directory)
            let candidate = base.hasSuffix("/") ? base + program : base + "/" + program
            switch Self.kind(of: seenFromScheduler(candidate)) {
            case .file(executable: true):
                return candidate
            case .file(executable: false):
                denied = denied ?? candidate
            case .missing, .directory, .unknown:
                continue
            }
        }
        if let denied {
            throw ShellCommandError(.notExecutable, command: program, path: seenFromScheduler(denied), errorNumber: EACCES)
        }
        throw ShellCommandError(.commandNotFound, command: program, searchPath: searchPath)
    }

    /// `path` as the scheduler reaches it: relative paths are relative to the child's
    /// working directory.
    private func seenFromScheduler(_ path: String) -> String {
        guard !path.hasPrefix("/"), let workingDirectory else { return path }
        return workingDirectory.hasSuffix("/") ? workingDirectory + path : workingDirectory + "/" + path
    }

    private enum FileKind {
        case missing, directory, file(executable: Bool), unknown
    }

    private static func kind(of path: String) -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? .missing : .unknown
        }
        if info.st_mode & S_IFMT == S_IFDIR { return .directory }
        return .file(executable: access(path, X_OK) == 0)
    }

    // MARK: Spawning

    /// The error for a `posix_spawn` failure `code`.
    private func spawnError(_ code: Int32, executable: String) -> ShellCommandError {
        let program = programName
        if let workingDirectory {
            switch Self.kind(of: workingDirectory) {
            case .missing:
                return ShellCommandError(.workingDirectoryNotFound, command: program, path: workingDirectory)
            case .file:
                return ShellCommandError(.workingDirectoryNotADirectory, command: program, path: workingDirectory)
            case .directory, .unknown:
                if access(workingDirectory, X_OK) != 0 {
                    return ShellCommandError(
                        .spawnFailed, command: program, path: workingDirectory, errorNumber: code,
                        operation: "cannot enter the working directory \(workingDirectory)"
                    )
                }
            }
        }
        let shown = seenFromScheduler(executable)
        switch code {
        case ENOENT:
            if case .missing = Self.kind(of: shown) {
                return ShellCommandError(.commandNotFound, command: program, path: shown)
            }
            // The file is there, so what is missing is the interpreter its #! line names.
            return ShellCommandError(.notExecutable, command: program, path: shown, errorNumber: ENOENT)
        case EACCES, ENOEXEC, EISDIR:
            return ShellCommandError(.notExecutable, command: program, path: shown, errorNumber: code)
        default:
            return ShellCommandError(.spawnFailed, command: program, path: shown, errorNumber: code)
        }
    }

    /// A pipe whose ends are close-on-exec and numbered 3 or more, so that the child's
    /// `dup2` onto 1 and 2 can never clobber one with the other.
    func makePipe() throws(ShellCommandError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        var failed: Bool
        #if !canImport(Darwin)
        if let pipe2 = ShellLibC.pipe2 {
            failed = pipe2(&ends, O_CLOEXEC) != 0
        } else {
            failed = pipe(&ends) != 0
            if !failed { for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) } }
        }
        #else
        failed = pipe(&ends) != 0
        if !failed { for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) } }
        #endif
        if !failed {
            for index in 0..<2 where ends[index] < 3 {
                let moved = fcntl(ends[index], F_DUPFD_CLOEXEC, 3)
                close(ends[index])
                ends[index] = moved
                if moved < 0 { failed = true }
            }
        }
        guard !failed else {
            let code = errno
            for end in ends where end >= 0 { close(end) }
            throw ShellCommandError(.spawnFailed, command: programName, errorNumber: code, operation: "cannot create a pipe")
        }
        return (ends[0], ends[1])
    }

    private static func closeAll(_ descriptors: [Int32]) {
        for descriptor in descriptors { close(descriptor) }
    }

    #if !canImport(Darwin)
    /// Without `posix_spawn_file_actions_addclosefrom_np`: sets close-on-exec on every open
    /// descriptor from 3 up, as listed in `/proc/self/fd`. The scheduler never executes a
    /// program itself, so the flag changes nothing for it.
    private static func markOpenDescriptorsCloseOnExec() {
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        let own = dirfd(directory)
        while let entry = readdir(directory) {
            var name = entry.pointee.d_name
            let text = withUnsafeBytes(of: &name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let descriptor = Int32(text), descriptor >= 3, descriptor != own else { continue }
            _ = fcntl(descriptor, F_SETFD, fcntl(descriptor, F_GETFD) | FD_CLOEXEC)
        }
    }
    #endif

    /// Spawn attributes for a process in a process group of its own, with an empty signal
    /// mask and every signal at its default disposition, whatever the scheduler's own are;
    /// `flags` adds to the flags this sets.
    static func startInGroupOfItsOwn(_ attributes: inout posix_spawnattr_t, flags: Int32 = 0) {
        startWithDefaultSignals(&attributes, flags: flags | Int32(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
    }

    /// Spawn attributes for a process with an empty signal mask and every signal at its
    /// default disposition: a thread of the scheduler (a Dispatch thread blocks most signals)
    /// would otherwise pass its mask on, and a child started with SIGTERM blocked could never
    /// be stopped. `flags` adds to the flags this sets.
    static func startWithDefaultSignals(_ attributes: inout posix_spawnattr_t, flags: Int32 = 0) {
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        sigdelset(&allSignals, SIGKILL)
        sigdelset(&allSignals, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(flags | Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)))
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    static func withCStringArray<R>(
        _ strings: [String],
        _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
    ) -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
