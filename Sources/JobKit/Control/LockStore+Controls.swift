/// Stores without control state (django-db-mutex's table) refuse every control with
/// ``ControlsUnavailableError``; their acquisitions never see a pause.
extension LockStore {
    /// Throws ``ControlsUnavailableError``: this store keeps no fleet controls.
    public func pause(_ job: String, reason: String?, by who: String) throws -> JobPause {
        throw ControlsUnavailableError(store: description)
    }

    /// Throws ``ControlsUnavailableError``: this store keeps no fleet controls.
    public func resume(_ job: String) throws -> JobPause? {
        throw ControlsUnavailableError(store: description)
    }

    /// Throws ``ControlsUnavailableError``: this store keeps no fleet controls.
    public func pauses() throws -> [JobPause] {
        throw ControlsUnavailableError(store: description)
    }

    /// Throws ``ControlsUnavailableError``: this store keeps no fleet controls.
    public func requestTrigger(_ job: String, by who: String) throws -> TriggerRequest {
        throw ControlsUnavailableError(store: description)
    }

    /// Throws ``ControlsUnavailableError``: this store keeps no fleet controls.
    public func triggerRequest(_ id: Int64) throws -> TriggerRequest? {
        throw ControlsUnavailableError(store: description)
    }

    /// Throws ``ControlsUnavailableError``: this store keeps no fleet controls.
    public func withdrawTrigger(_ id: Int64) throws -> Bool {
        throw ControlsUnavailableError(store: description)
    }

    /// Throws ``ControlsUnavailableError``: this store keeps no fleet controls.
    public func controls(for jobs: [String], seenBy owner: String) throws -> ControlSnapshot {
        throw ControlsUnavailableError(store: description)
    }
}

/// The controls for `async` code: each runs the blocking call on JobKit's Dispatch queue, off
/// Swift's cooperative thread pool. In `async` code these are chosen.
extension LockStore {
    /// Pauses `job` off the cooperative pool; see ``pause(_:reason:by:)-(String,String?,String)``.
    public func pause(_ job: String, reason: String?, by who: String) async throws -> JobPause {
        try await BlockingQueue.run { try self.pause(job, reason: reason, by: who) }
    }

    /// Ends the pause of `job` off the cooperative pool; see ``resume(_:)-(String)``.
    public func resume(_ job: String) async throws -> JobPause? {
        try await BlockingQueue.run { try self.resume(job) }
    }

    /// Every paused job, off the cooperative pool.
    public func pauses() async throws -> [JobPause] {
        try await BlockingQueue.run { try self.pauses() }
    }

    /// Records a trigger request off the cooperative pool; see ``requestTrigger(_:by:)-(String,String)``.
    public func requestTrigger(_ job: String, by who: String) async throws -> TriggerRequest {
        try await BlockingQueue.run { try self.requestTrigger(job, by: who) }
    }

    /// Reads a trigger request off the cooperative pool.
    public func triggerRequest(_ id: Int64) async throws -> TriggerRequest? {
        try await BlockingQueue.run { try self.triggerRequest(id) }
    }

    /// Withdraws an unclaimed trigger request off the cooperative pool.
    public func withdrawTrigger(_ id: Int64) async throws -> Bool {
        try await BlockingQueue.run { try self.withdrawTrigger(id) }
    }
}
