import Foundation

/// What a ``Scheduler`` knows of itself and its store: what health and readiness probes
/// (`jobkit run --http`'s `/healthz` and `/readyz`) answer from.
public struct SchedulerHealth: Sendable, Hashable {
    /// Where the scheduler is in its life.
    public enum Phase: String, Sendable, Hashable {
        /// ``Scheduler/run()`` has not been called yet.
        case notStarted = "not_started"
        /// Preparing the store (retrying while it is unreachable): the loop is alive.
        case starting
        /// Firing jobs on their schedules.
        case running
        /// A graceful shutdown was requested: no new fires; running jobs get their grace.
        case stopping
        /// ``Scheduler/run()`` has returned.
        case stopped

        /// Whether the scheduler's loop is alive: starting or running.
        public var isAlive: Bool { self == .starting || self == .running }
    }

    /// Where the scheduler is in its life.
    public var phase: Phase
    /// How long ago the store last answered a call (a run's acquire or release, the schema
    /// check at start, or ``Scheduler/checkStore()``); `nil` when it never has.
    public var storeAnswerAge: Duration?
    /// The error of the outage going on, or `nil` while the store answers.
    public var storeError: String?

    /// Creates a value.
    public init(phase: Phase, storeAnswerAge: Duration?, storeError: String?) {
        self.phase = phase
        self.storeAnswerAge = storeAnswerAge
        self.storeError = storeError
    }
}
