/// What one control poll of a scheduler reads (``LockStore/controls(for:seenBy:)``): the
/// pauses of its jobs and their triggers not yet claimed.
public struct ControlSnapshot: Sendable, Hashable {
    /// The paused jobs among those asked about, by name.
    public var pauses: [String: JobPause]
    /// The unclaimed trigger requests for those jobs, oldest first.
    public var triggers: [TriggerRequest]

    /// Creates a snapshot.
    public init(pauses: [String: JobPause] = [:], triggers: [TriggerRequest] = []) {
        self.pauses = pauses
        self.triggers = triggers
    }
}
