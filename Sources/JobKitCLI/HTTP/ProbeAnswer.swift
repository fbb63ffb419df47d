import Foundation
import Hummingbird
import JobKit

/// What `/healthz` and `/readyz` answer: a status and a line of text saying why.
struct ProbeAnswer: Sendable, Hashable {
    let status: HTTPResponse.Status
    let reason: String

    /// `/healthz`: 200 while the scheduler's loop is alive (starting or running), 503 once it
    /// is stopping.
    static func health(_ health: SchedulerHealth) -> ProbeAnswer {
        health.phase.isAlive
            ? ProbeAnswer(status: .ok, reason: "ok: the scheduler is \(health.phase.rawValue)")
            : ProbeAnswer(status: .serviceUnavailable, reason: "unavailable: the scheduler is \(health.phase.rawValue)")
    }

    /// `/readyz`: 200 when the store answered within `interval` (asking it when no job has
    /// lately), 503 with the reason during an outage or while the scheduler is not running.
    static func readiness(of scheduler: Scheduler, interval: Duration) async -> ProbeAnswer {
        var health = scheduler.health
        guard health.phase.isAlive else {
            return ProbeAnswer(status: .serviceUnavailable, reason: "not ready: the scheduler is \(health.phase.rawValue)")
        }
        if health.storeError == nil, let age = health.storeAnswerAge, age <= interval {
            return ProbeAnswer(status: .ok, reason: "ready: the store answered \(age.jobKitMilliseconds) ms ago")
        }
        health = await scheduler.checkStore()
        if let error = health.storeError {
            return ProbeAnswer(status: .serviceUnavailable, reason: "not ready: the store cannot be reached: \(error)")
        }
        return ProbeAnswer(status: .ok, reason: "ready: the store answered just now")
    }
}
