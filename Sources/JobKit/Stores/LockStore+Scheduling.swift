extension LockStore {
    /// Accepts: a store keeps once per tick and heartbeats unless it says otherwise.
    public func validateForScheduling() throws {}
}
