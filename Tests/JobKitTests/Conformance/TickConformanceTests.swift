import Foundation
import JobKit
import Testing

/// Once per tick: the row remembers the last scheduled time claimed.
@Suite struct TickConformanceTests {
    /// Ticks on whole minutes, as a schedule would fire them.
    private static let tick1 = Date(timeIntervalSince1970: 1_795_000_020)
    private static let tick0 = tick1.minus(.seconds(60))
    private static let tick2 = tick1.plus(.seconds(60))

    private func expectAlreadyRan(
        _ error: DBMutexError, tick: Date, lastTick: Date, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let (refusedTick, last) = error.reason.alreadyRan else {
            Issue.record("expected already ran, got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(micros(refusedTick) == micros(tick), sourceLocation: sourceLocation)
        #expect(micros(last) == micros(lastTick), sourceLocation: sourceLocation)
        #expect(error.holder == nil, sourceLocation: sourceLocation)
    }

    @Test(arguments: StoreKind.all)
    func sameTickTwiceIsRefusedAsAlreadyRan(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("tick")
            let lease = try await store.acquired(id, owner: "alpha", tick: Self.tick1)
            #expect(lease.tick.map(micros) == micros(Self.tick1))
            // While it runs: already ran comes before held.
            expectAlreadyRan(try await store.refused(id, owner: "beta", tick: Self.tick1), tick: Self.tick1, lastTick: Self.tick1)
            #expect(try await store.release(lease) == .released)
            // After it ran: still already ran, for every machine.
            expectAlreadyRan(try await store.refused(id, owner: "beta", tick: Self.tick1), tick: Self.tick1, lastTick: Self.tick1)
            expectAlreadyRan(try await store.refused(id, owner: "alpha", tick: Self.tick1), tick: Self.tick1, lastTick: Self.tick1)
        }
    }

    @Test(arguments: StoreKind.all)
    func olderTickIsRefusedAndNewerTickAcquires(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("order")
            let first = try await store.acquired(id, owner: "alpha", tick: Self.tick1)
            _ = try await store.release(first)
            expectAlreadyRan(try await store.refused(id, owner: "beta", tick: Self.tick0), tick: Self.tick0, lastTick: Self.tick1)

            let next = try await store.acquired(id, owner: "beta", tick: Self.tick2)
            #expect(next.token > first.token)
            #expect(try await store.lock(id)?.lastTick.map(micros) == micros(Self.tick2))
            // A newer tick is still refused while the lock is held: held, not already ran.
            let holder = try await store.refusedAsHeld(id, owner: "gamma", tick: Self.tick2.plus(.seconds(60)))
            #expect(holder.owner == "beta")
        }
    }

    @Test(arguments: StoreKind.all)
    func lastTickSurvivesReleaseAndUntickedRuns(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = store.id("survive")
            let ticked = try await store.acquired(id, owner: "alpha", tick: Self.tick1)
            _ = try await store.release(ticked)
            #expect(try await store.lock(id)?.lastTick.map(micros) == micros(Self.tick1))

            // A run without a tick (a manual run) neither needs nor resets the tick.
            let manual = try await store.acquired(id, owner: "beta")
            #expect(try await store.lock(id)?.lastTick.map(micros) == micros(Self.tick1))
            _ = try await store.release(manual)
            expectAlreadyRan(try await store.refused(id, owner: "gamma", tick: Self.tick1), tick: Self.tick1, lastTick: Self.tick1)

            // Nor does an expiry and takeover.
            let expiring = try await store.acquired(id, owner: "gamma", ttl: .seconds(60), tick: Self.tick2, at: longAgo())
            let takeover = try await store.acquired(id, owner: "delta")
            #expect(takeover.recovered?.previous.token == expiring.token)
            #expect(try await store.lock(id)?.lastTick.map(micros) == micros(Self.tick2))
        }
    }
}
