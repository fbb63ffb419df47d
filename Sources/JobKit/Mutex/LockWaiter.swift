import Foundation

/// Paces the retries of a caller waiting for a busy lock (`wait:`): jittered exponential
/// backoff, judged on the store's clock.
///
/// - The time waited is the store's time of the latest refusal minus that of the first
///   (``DBMutexError/checkedAt``), so a skewed application clock neither shortens nor
///   lengthens the wait; a store that does not say falls back to the local monotonic clock.
/// - Each delay doubles from ``initialDelay`` up to ``maximumDelay``, but never exceeds the
///   age of the current holder's lease (on the store's clock): a lock that changes hands every
///   few milliseconds is retried every few milliseconds, one held for minutes every second.
///   It never drops below ``minimumDelay``, so waiting never busy-loops the database.
/// - Each delay is jittered to between half and all of itself, so waiters spread out.
/// - A refusal because the tick already ran is final: waiting would not change it.
struct LockWaiter: Sendable {
    static let initialDelay: Duration = .milliseconds(10)
    static let maximumDelay: Duration = .seconds(1)
    static let minimumDelay: Duration = .milliseconds(1)

    /// How long the caller is prepared to wait.
    let budget: Duration
    private var firstCheck: Date?
    private let localStart = ContinuousClock.now
    private var attempts = 0
    /// How long the caller has waited so far, as of the latest refusal.
    private(set) var waited: Duration = .zero

    init(budget: Duration) {
        self.budget = budget
    }

    /// How long to sleep before trying again after `refusal`, or `nil` to give up.
    mutating func delay(after refusal: DBMutexError) -> Duration? {
        guard let holder = refusal.holder else { return nil }
        let local = ContinuousClock.now - localStart
        if let checkedAt = refusal.checkedAt {
            let first = firstCheck ?? checkedAt
            firstCheck = first
            waited = max(.zero, Self.duration(from: first, to: checkedAt))
        } else {
            waited = local
        }
        // A store clock that stalls or steps back must not make the wait endless.
        guard waited < budget, local < budget * 2 else { return nil }
        attempts += 1
        var delay = Self.initialDelay * (1 << min(attempts - 1, 20))
        delay = min(delay, Self.maximumDelay)
        if let checkedAt = refusal.checkedAt {
            delay = min(delay, max(Self.minimumDelay, Self.duration(from: holder.since, to: checkedAt)))
        }
        let jittered = delay * Double.random(in: 0.5...1.0)
        return max(Self.minimumDelay, min(jittered, budget - waited))
    }

    /// `refusal`, saying how long the caller waited.
    func gaveUp(_ refusal: DBMutexError) -> DBMutexError {
        refusal.waiting(waited)
    }

    private static func duration(from start: Date, to end: Date) -> Duration {
        .microseconds(end.jobKitEpochMicroseconds - start.jobKitEpochMicroseconds)
    }
}
