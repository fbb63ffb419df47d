import Foundation
import JobKit
import Testing

extension Jobs {
    @Suite struct JobOutcomeTests {
        struct Boom: Error {}

        @Test func exitCodesAndEvents() {
            let holder = LockHolder(owner: "other:1", token: 7, since: Date(timeIntervalSince1970: 0), until: nil, aliveUntil: nil)
            let timeout = DBMutexTimeoutError(
                lockID: "l", token: 1, expiredAt: nil, ttl: .seconds(1), overlapped: true, newHolder: holder
            )
            let cases: [(JobOutcome, Int32, JobEvent)] = [
                (.succeeded, 0, .jobSucceeded),
                (.skipped(.lockHeld(holder)), 0, .jobSkipped),
                (.skipped(.alreadyRan(tick: Date(), lastTick: Date())), 0, .jobSkipped),
                (.failed(Boom()), 1, .jobFailed),
                (.overran(timeout), 3, .jobOverran),
                (.storeUnavailable(Boom()), 4, .storeUnavailable),
            ]
            for (outcome, code, event) in cases {
                #expect(outcome.exitCode == code, "\(outcome)")
                #expect(outcome.event == event, "\(outcome)")
            }
            #expect(JobOutcome.SkipReason.lockHeld(holder).name == "lock_held")
            #expect(JobOutcome.SkipReason.alreadyRan(tick: Date(), lastTick: Date()).name == "already_ran")
            #expect(JobOutcome.succeeded.error == nil)
            #expect(JobOutcome.failed(Boom()).error is Boom)
        }
    }
}
