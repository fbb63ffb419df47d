import Foundation

/// A job paused for the whole fleet (`jobkit pause`): who paused it, when, and why.
///
/// Kept in the store, so it reaches every machine and survives restarts. While it lasts, each
/// of the job's ticks is skipped (`job.skipped`, `reason` `paused`, once per tick for the fleet),
/// refused by the store at acquire time.
public struct JobPause: Sendable, Hashable {
    /// The paused job's name.
    public var job: String
    /// The operator's note, if one was given (`--reason`).
    public var reason: String?
    /// Who paused it (by default `user@host`).
    public var pausedBy: String
    /// When it was paused, on the store's clock.
    public var pausedAt: Date

    /// Creates a pause.
    public init(job: String, reason: String?, pausedBy: String, pausedAt: Date) {
        self.job = job
        self.reason = reason
        self.pausedBy = pausedBy
        self.pausedAt = pausedAt
    }
}
