import Foundation
import Synchronization

/// The claims a scheduler knows are still on their way to its batcher: jobs whose tick has
/// come while their task has not woken yet, and fires started that have not claimed yet.
///
/// The acquire gathering waits for them (``ClaimGathering``), so one instant's fires go to the
/// store as one batch even when waking them all takes the process longer than a gathering's
/// usual bound (thousands of jobs on a busy machine). A woken job counts from its wake-up
/// until its fire hands its claim over, or until it knows it will not claim (its previous run
/// is still going), in one step with the wake-up so no gathering sees a gap in between. It is
/// a forecast, not a promise: a wait for it is bounded.
final class ClaimForecast: Sendable {
    private struct State {
        /// How many jobs sleep until each instant (a tick plus the job's jitter).
        var sleeping: [Date: Int] = [:]
        /// Jobs woken for a tick whose fire has not handed its claim to the batcher yet.
        var unclaimedFires = 0
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> Date

    /// A forecast that judges which sleeps are due by `now` (the scheduler's clock).
    init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// A job's task goes to sleep until `instant`.
    func willSleep(until instant: Date) {
        state.withLock { $0.sleeping[instant, default: 0] += 1 }
    }

    /// That job's task woke (`claiming`: its tick came, and it counts as a claim on its way
    /// until ``claimEnded()``), or its sleep ended early (the scheduler stops).
    func woke(from instant: Date, claiming: Bool) {
        state.withLock { state in
            if let count = state.sleeping[instant] {
                if count > 1 { state.sleeping[instant] = count - 1 } else { state.sleeping[instant] = nil }
            }
            if claiming { state.unclaimedFires += 1 }
        }
    }

    /// A claim is on its way (a fire planned without a sleep before it, at start-up).
    func expectClaim() {
        state.withLock { $0.unclaimedFires += 1 }
    }

    /// A claim on its way reached the batcher, or will not be made.
    func claimEnded() {
        state.withLock { $0.unclaimedFires = max(0, $0.unclaimedFires - 1) }
    }

    /// Whether a claim is still on its way: a fire that has not claimed, or a sleep that is
    /// due and has not woken.
    var expectsMore: Bool {
        let now = now()
        return state.withLock { state in
            state.unclaimedFires > 0 || state.sleeping.keys.contains { $0 <= now }
        }
    }
}
