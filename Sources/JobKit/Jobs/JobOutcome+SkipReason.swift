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
            case paused(JobPause, tick: Date?)
            case triggerClaimed(Int64)
            case stopping
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

        /// The job is paused for the fleet (`jobkit pause`); `tick` is the tick skipped.
        public static func paused(_ pause: JobPause, tick: Date?) -> SkipReason { SkipReason(.paused(pause, tick: tick)) }

        /// Another scheduler claimed the trigger request first and runs it. Not reported as an
        /// event: the run it starts is.
        public static func triggerClaimed(_ id: Int64) -> SkipReason { SkipReason(.triggerClaimed(id)) }

        /// The run's task was cancelled while it waited for the job's lock (a scheduler
        /// stopping while a `queue_one` tick waited): the tick did not run, and nothing failed.
        public static let stopping = SkipReason(.stopping)

        /// The `reason` field of `job.skipped`: `lock_held`, `already_ran`, `still_running`,
        /// `paused` or `stopping` (`trigger_claimed` is never reported).
        public var name: String {
            switch kind {
            case .lockHeld: "lock_held"
            case .alreadyRan: "already_ran"
            case .stillRunning: "still_running"
            case .paused: "paused"
            case .triggerClaimed: "trigger_claimed"
            case .stopping: "stopping"
            }
        }

        /// The pause, when the job is paused.
        public var pause: JobPause? {
            if case .paused(let pause, _) = kind { return pause }
            return nil
        }

        /// Whether another scheduler claimed the trigger request this run answered.
        public var isTriggerClaimed: Bool {
            if case .triggerClaimed = kind { return true }
            return false
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
            case .paused(let pause, _):
                "it is paused by \(pause.pausedBy) since \(pause.pausedAt.jobKitTimestamp)"
                    + (pause.reason.map { ": \($0)" } ?? ".")
            case .triggerClaimed(let id):
                "another scheduler claimed trigger request \(id) first and runs it."
            case .stopping:
                "it was stopped while it waited for its lock."
            }
        }
    }
}
