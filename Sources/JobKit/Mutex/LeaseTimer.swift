/// A pending call of a ``LeaseClock``: cancel it to keep it from happening.
public struct LeaseTimer: Sendable {
    private let cancellation: @Sendable () -> Void

    /// A timer that `cancel` stops.
    public init(cancel: @escaping @Sendable () -> Void) {
        self.cancellation = cancel
    }

    /// Keeps the call from happening; does nothing once it has started. Safe to call twice.
    public func cancel() {
        cancellation()
    }
}
