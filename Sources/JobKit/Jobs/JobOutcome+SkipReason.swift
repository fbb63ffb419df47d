import Foundation

extension JobOutcome {
    /// Why a job did not run. Neither is an alert: both mean another run has it covered.
    public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
        /// Another process holds the job's lock now: it is running the job.
        case lockHeld(LockHolder)
        /// The tick asked for is not newer than the last tick claimed for the job's lock: some
        /// process (perhaps on another machine) already ran it.
        case alreadyRan(tick: Date, lastTick: Date)

        /// The `reason` field of `job.skipped`: `lock_held` or `already_ran`.
        public var name: String {
            switch self {
            case .lockHeld: "lock_held"
            case .alreadyRan: "already_ran"
            }
        }

        /// A sentence saying why.
        public var description: String {
            switch self {
            case .lockHeld(let holder):
                "its lock is held by \(holder)."
            case .alreadyRan(let tick, let lastTick):
                "tick \(tick.jobKitTimestamp) already ran (last tick claimed: \(lastTick.jobKitTimestamp))."
            }
        }
    }
}
