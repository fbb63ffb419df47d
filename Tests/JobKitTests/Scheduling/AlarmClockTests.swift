import Foundation
@testable import JobKit
import Synchronization
import Testing

/// The one timer behind every lease keeper: alarms fire, cancelled ones never do, an earlier
/// alarm re-arms the timer, and cancelled alarms do not pile up.
@Suite struct AlarmClockTests {
    /// Records which alarms fired.
    final class Fired: Sendable {
        private let names = Mutex<[String]>([])
        func record(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    static let millisecond: UInt64 = 1_000_000

    @Test func aCancelledAlarmNeverFiresAndAPendingOneDoes() async throws {
        // A machine may stall between setting the first alarm and cancelling it for longer
        // than its delay; such a try proves nothing, and the next one doubles the delay.
        var delay = 20 * Self.millisecond
        for _ in 0..<12 {
            let alarms = AlarmClock(label: "alarm-clock-test", leeway: .milliseconds(1))
            let fired = Fired()
            let now = AlarmClock.now()
            let cancelled = alarms.set(at: now + delay) { fired.record("cancelled") }
            _ = alarms.set(at: now + 2 * delay) { fired.record("kept") }
            guard alarms.cancel([cancelled]) == 1 else {
                delay *= 2
                continue
            }
            #expect(alarms.pendingCount == 1)
            _ = try await poll(timeout: .seconds(60), "the kept alarm") { fired.all.isEmpty ? nil : true }
            #expect(fired.all == ["kept"])
            #expect(alarms.pendingCount == 0)
            return
        }
        Issue.record("every try's cancel came after its alarm had fired")
    }

    @Test func anAlarmDueBeforeEveryPendingOneRearmsTheTimer() async throws {
        let alarms = AlarmClock(label: "alarm-clock-test", leeway: .milliseconds(1))
        let fired = Fired()
        let now = AlarmClock.now()
        _ = alarms.set(at: now + 3600 * 1000 * Self.millisecond) { fired.record("in an hour") }
        _ = alarms.set(at: now + 10 * Self.millisecond) { fired.record("soon") }
        _ = try await poll(timeout: .seconds(60), "the earlier alarm") { fired.all.isEmpty ? nil : true }
        #expect(fired.all == ["soon"])
        #expect(alarms.pendingCount == 1)
    }

    @Test func cancelledAlarmsArePrunedFromTheHeap() {
        let alarms = AlarmClock(label: "alarm-clock-test", leeway: .milliseconds(1))
        let far = AlarmClock.now() + 3600 * 1000 * Self.millisecond
        for _ in 0..<10_000 {
            let id = alarms.set(at: far) {}
            alarms.cancel([id])
        }
        #expect(alarms.pendingCount == 0)
        #expect(alarms.heapCount <= 1025, "a heap of \(alarms.heapCount) entries for no pending alarm")
    }

    @Test func aShortCriticalSectionLeavesNoAlarmBehind() throws {
        let clock = RecordingLeaseClock()
        var mutex = DBMutex(store: InMemoryLockStore(), owner: "alarms", heartbeat: .default, logger: .discarding)
        mutex.leaseClock = clock
        let keeper = try mutex.hold(mutex.request("lease-alarms-short", ttl: .seconds(60), tick: nil))
        let set = clock.alarms
        #expect(set.count == 2, "a beat and an expiry")
        #expect(set.allSatisfy(AlarmClock.leases.isPending))
        keeper.stop()
        #expect(!set.contains(where: AlarmClock.leases.isPending), "stopping cancels both")
    }
}

/// The production lease clock, remembering the alarms it set.
private final class RecordingLeaseClock: LeaseClock {
    private let recorded = Mutex<[AlarmClock.ID]>([])
    var alarms: [AlarmClock.ID] { recorded.withLock { $0 } }

    func now() -> Date { DispatchWallClock().now() }

    func schedule(at deadline: Date, _ handler: @escaping @Sendable () -> Void) -> LeaseTimer {
        let id = AlarmClock.leases.set(at: AlarmClock.nanoseconds(deadline), handler)
        recorded.withLock { $0.append(id) }
        return LeaseTimer { AlarmClock.leases.cancel([id]) }
    }
}
