/// Stores without control state (django-db-mutex's table) refuse every control with
/// ``ControlsUnavailableError``; their acquisitions never see a pause.
extension LockStore {
    public func pause(_ job: String, reason: String?, by who: String) throws -> JobPause {
        throw ControlsUnavailableError(store: description)
    }

    public func resume(_ job: String) throws -> JobPause? {
        throw ControlsUnavailableError(store: description)
    }

    public func pauses() throws -> [JobPause] {
        throw ControlsUnavailableError(store: description)
    }

    public func requestTrigger(_ job: String, by who: String) throws -> TriggerRequest {
        throw ControlsUnavailableError(store: description)
    }

    public func triggerRequest(_ id: Int64) throws -> TriggerRequest? {
        throw ControlsUnavailableError(store: description)
    }

    public func withdrawTrigger(_ id: Int64) throws -> Bool {
        throw ControlsUnavailableError(store: description)
    }

    public func controls(for jobs: [String], seenBy owner: String) throws -> ControlSnapshot {
        throw ControlsUnavailableError(store: description)
    }
}
