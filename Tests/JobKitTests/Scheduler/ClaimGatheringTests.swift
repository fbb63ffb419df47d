@testable import JobKit
import Testing

/// When a gathering of claims is sent: once `window` passes with no new claim, but no later
/// than `longest` after its first claim, so a stream of claims that keeps arriving goes as one
/// batch, and one that never stops still goes.
@Suite struct ClaimGatheringTests {
    static let ms: UInt64 = 1_000_000

    @Test func aGatheringIsSentAWindowAfterItsLatestClaim() {
        // First claim at 0, latest at 40 ms, window 5 ms: sent at 45 ms, past the first window.
        #expect(ClaimGathering<Int, Int>.sendTime(first: 0, latest: 40 * Self.ms, window: 5 * Self.ms, longest: 100 * Self.ms) == 45 * Self.ms)
        // A lone claim goes one window after it.
        #expect(ClaimGathering<Int, Int>.sendTime(first: 7 * Self.ms, latest: 7 * Self.ms, window: 5 * Self.ms, longest: 100 * Self.ms) == 12 * Self.ms)
    }

    @Test func claimsThatKeepArrivingAreSentAtTheLongestGathering() {
        #expect(ClaimGathering<Int, Int>.sendTime(first: 0, latest: 99 * Self.ms, window: 5 * Self.ms, longest: 100 * Self.ms) == 100 * Self.ms)
        // With `longest` equal to `window`, a gathering ends one window after its first claim.
        #expect(ClaimGathering<Int, Int>.sendTime(first: 0, latest: 4 * Self.ms, window: 5 * Self.ms, longest: 5 * Self.ms) == 5 * Self.ms)
    }

    @Test func theSchedulersGatheringLastsAtMostTwentyWindows() {
        #expect(ClaimBatcher.longestGathering(window: .milliseconds(5)) == .milliseconds(100))
    }
}
