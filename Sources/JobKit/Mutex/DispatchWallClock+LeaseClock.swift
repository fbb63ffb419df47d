import Foundation

extension DispatchWallClock: LeaseClock {
    /// Sets an alarm on the process's one lease timer (``AlarmClock/leases``), which runs on the
    /// wall clock (`CLOCK_REALTIME`): it keeps counting through a VM pause, so a deadline that
    /// passed during one fires as soon as the process runs again. Setting and cancelling an
    /// alarm creates no Dispatch source, so a short critical section costs no timer at all.
    public func schedule(at deadline: Date, _ handler: @escaping @Sendable () -> Void) -> LeaseTimer {
        let id = AlarmClock.leases.set(at: AlarmClock.nanoseconds(deadline), handler)
        return LeaseTimer { AlarmClock.leases.cancel([id]) }
    }
}
