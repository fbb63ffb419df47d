import Foundation

extension JobOutcome {
    /// Why a job did not run. None is an alert: each means another run has it covered.
    ///
    /// A struct over a private enum, so that a new reason (a paused job, say) does not break a
    /// `switch`: read ``name``, ``holder``, ``alreadyRan``.
    public struct SkipReason: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable {
            case lockHeld(LockHolder)
            case alreadyRan(tick: Date, lastTick: Date)
            case stillRunning(tick: Date)
        }

        private let kind: Kind

        private init(_ kind: Kind) { self.kind = kind }

        /// Another process holds the job's lock now: it is running the job.
        public static func lockHeld(_ holder: LockHolder) -> SkipReason { SkipReason(.lockHeld(holder)) }

        /// The tick asked for is not newer than the last tick claimed for the job's lock: some
        /// process (perhaps on another machine) already ran it.
        public static func alreadyRan(tick: Date, lastTick: Date) -> SkipReason {
            SkipReason(.alreadyRan(tick: tick, lastTick: lastTick))
        }

        /// This process is still running the job from an earlier tick, so it skips `tick`.
        public static func stillRunning(tick: Date) -> SkipReason { SkipReason(.stillRunning(tick: tick)) }

        /// The `reason` field of `job.skipped`: `lock_held`, `already_ran` or `still_running`.
        public var name: String {
            switch kind {
            case .lockHeld: "lock_held"
            case .alreadyRan: "already_ran"
            case .stillRunning: "still_running"
            }
        }

        /// The holder of the job's lock, when it is held elsewhere.
        public var holder: LockHolder? {
            if case .lockHeld(let holder) = kind { return holder }
            return nil
        }

        /// The tick asked for and the last tick claimed, when the tick already ran.
        public var alreadyRan: (tick: Date, lastTick: Date)? {
            if case .alreadyRan(let tick, let lastTick) = kind { return (tick, lastTick) }
            return nil
        }

        /// The tick skipped, when the job is still running from an earlier one.
        public var stillRunningTick: Date? {
            if case .stillRunning(let tick) = kind { return tick }
            return nil
        }

        /// A sentence saying why.
        public var description: String {
            switch kind {
            case .lockHeld(let holder):
                "its lock is held by \(holder)."
            case .alreadyRan(let tick, let lastTick):
                "tick \(tick.jobKitTimestamp) already ran (last tick claimed: \(lastTick.jobKitTimestamp))."
            case .stillRunning(let tick):
                "it is still running here from an earlier tick, so tick \(tick.jobKitTimestamp) is skipped."
            }
        }
    }
}
