#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A lock whose waiters sleep in the kernel at once instead of spinning: for critical sections
/// that make a system call, such as ``LogOutput`` writing a line.
///
/// `Synchronization.Mutex` spins before it sleeps, and on Linux it sleeps on a
/// priority-inheritance futex. That suits sections of a few instructions; around a `write(2)`
/// that takes microseconds it burned several microseconds of CPU per contended line when the
/// scheduler logged a thousand `job.skipped` lines from two threads at once. A default
/// `pthread_mutex_t` does not spin: a waiter costs one futex wait and one wake.
final class SleepingLock: @unchecked Sendable {
    // @unchecked: the mutex is only touched through pthread calls, which synchronize.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` holding the lock.
    func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
