import Dispatch
import Foundation
import JobKit
import Synchronization
import Testing

// MARK: Time on the microsecond grid every store keeps

/// `date` as whole microseconds since the Unix epoch.
func micros(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
}

/// The date `micros` microseconds after the Unix epoch, as stores build it.
func date(micros: Int64) -> Date {
    Date(timeIntervalSince1970: Double(micros) / 1_000_000)
}

extension Date {
    /// This date plus `duration`, exactly, on the microsecond grid.
    func plus(_ duration: Duration) -> Date {
        date(micros: micros(self) + duration.jobKitMicroseconds)
    }

    /// This date minus `duration`, exactly, on the microsecond grid.
    func minus(_ duration: Duration) -> Date {
        date(micros: micros(self) - duration.jobKitMicroseconds)
    }
}

/// A whole second two hours ago on the local clock, which the test stores share: a lease
/// acquired then with a TTL or window of minutes is long gone on the store's real clock,
/// however slowly the test runs.
func longAgo() -> Date {
    date(micros: (micros(Date()) / 1_000_000 - 7200) * 1_000_000)
}

// MARK: Blocking calls off the cooperative pool


/// Runs blocking `work` (store calls, sync `withLock`) on a Dispatch thread.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        // A serial queue of its own per call: a concurrent queue runs only about as many blocks
        // at once as there are CPUs on Linux, so blocked tests would wait for each other.
        DispatchQueue(label: "jobkit.tests.blocking").async { continuation.resume(with: Result { try work() }) }
    }
}

// MARK: Waiting on conditions with a deadline

/// A condition that did not come true before its deadline.
struct TimedOut: Error, CustomStringConvertible {
    let what: String
    let after: Duration
    var description: String { "Timed out after \(after) waiting until \(what)." }
}

/// Polls `condition` until it holds; records an issue and throws after `timeout`.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while try await !condition() {
        guard clock.now < deadline else {
            let error = TimedOut(what: what, after: timeout)
            Issue.record(error, sourceLocation: sourceLocation)
            throw error
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// ``waitUntil(_:timeout:sourceLocation:_:)`` for blocking code (a sync critical section).
func waitUntilBlocking(
    _ what: String, timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () throws -> Bool
) throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while try !condition() {
        guard clock.now < deadline else {
            let error = TimedOut(what: what, after: timeout)
            Issue.record(error, sourceLocation: sourceLocation)
            throw error
        }
        Thread.sleep(forTimeInterval: 0.02)
    }
}

// MARK: Reading results

/// An answer that was not the expected case (the issue is already recorded).
struct UnexpectedAnswer: Error, CustomStringConvertible {
    let description: String
}

extension AcquireResult {
    var lease: Lease? {
        if case .acquired(let lease) = self { return lease }
        return nil
    }

    var refusal: DBMutexError? {
        if case .refused(let error) = self { return error }
        return nil
    }
}

extension LockState {
    /// The fields that do not depend on the store's clock resolution, for comparisons.
    var summary: String { "\(lockID) \(owner) \(status)" }
}

// MARK: Sharing with `@Sendable` closures

/// A value set inside a `@Sendable` closure (a critical section on another thread) and read
/// afterwards.
final class Box<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)

    var value: Value? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
