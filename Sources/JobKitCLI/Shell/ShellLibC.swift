#if !canImport(Darwin)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// C library functions the Swift `Glibc` module hides because they are GNU extensions
/// (declared only under `_GNU_SOURCE`), looked up by name at run time; `nil` where the C
/// library lacks them. glibc has `pipe2` since 2.9, `posix_spawn_file_actions_addchdir_np`
/// since 2.29, `posix_spawn_file_actions_addclosefrom_np` since 2.34 and `pidfd_open` since
/// 2.36 (Debian 12 has 2.36).
enum ShellLibC {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias AddChdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32

    static let pipe2: Pipe2? = symbol("pipe2")
    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    /// Answers -1 (`ENOSYS`) on a kernel before 5.3.
    static let pidfdOpen: PidfdOpen? = symbol("pidfd_open")

    private static func symbol<T>(_ name: String) -> T? {
        // The handle of the program itself searches every library loaded with it, libc too.
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
#endif
