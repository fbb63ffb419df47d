import Foundation
import JobKit
import Testing

/// Batched claims and releases (``LockStore/acquire(batch:)``, ``LockStore/release(batch:)``):
/// every element answered exactly as a single call answers it, in the order given; and batches
/// of several processes claiming the same locks at once never deadlock, and each lock goes to
/// one of them.
@Suite struct BatchConformanceTests {
    private static let tick = Date(timeIntervalSince1970: 1_795_000_000)

    /// The answer without its tokens and times, which differ between two runs of one scenario.
    private static func shape(_ answer: Result<AcquireResult, any Error>) -> String {
        switch answer {
        case .failure(let error):
            return "error \(type(of: error))"
        case .success(.refused(let refusal)):
            if let (tick, lastTick) = refusal.reason.alreadyRan {
                return "already ran \(micros(tick)) after \(micros(lastTick))"
            }
            return "held by \(refusal.holder?.owner ?? "nobody")"
        case .success(.acquired(let lease)):
            let recovered = lease.recovered.map { " recovered from \($0.previous.owner) (\($0.reason.rawValue))" } ?? ""
            let previous = lease.previousTick.map { " after \(micros($0))" } ?? ""
            return "acquired by \(lease.owner)\(recovered)\(previous)"
        }
    }

    private static func shape(_ answer: Result<ReleaseResult, any Error>) -> String {
        switch answer {
        case .failure(let error): return "error \(type(of: error))"
        case .success(.released): return "released"
        case .success(.expired): return "expired"
        case .success(.lost(let loss)):
            return "lost \(loss.newHolder.map { "to \($0.owner)" } ?? "by force-release")"
        }
    }

    /// Puts locks `<group>-held`, `-ran`, `-released`, `-dead` in their states (`-free` has no row);
    /// returns the requests of one batch of owner `beta` over them, plus an invalid id.
    private static func scenario(_ store: StoreUnderTest, _ group: String) async throws -> [LockRequest] {
        let tick = Self.tick
        _ = try await store.acquired(store.id("\(group)-held"), owner: "alpha", tick: tick - 60)
        let ran = try await store.acquired(store.id("\(group)-ran"), owner: "alpha", tick: tick)
        #expect(try await store.release(ran) == .released)
        let released = try await store.acquired(store.id("\(group)-released"), owner: "alpha", tick: tick - 60)
        #expect(try await store.release(released) == .released)
        _ = try await store.acquired(
            store.id("\(group)-dead"), owner: "alpha", ttl: .seconds(86_400), liveness: .seconds(30), tick: tick - 60, at: longAgo()
        )
        return ["free", "held", "ran", "released", "dead"].map { name in
            LockRequest(
                lockID: store.id("\(group)-\(name)"), owner: "beta", ttl: .seconds(3600), liveness: .seconds(30), tick: tick,
                run: RunStart(job: store.id("\(group)-\(name)-job"), jobType: "batch-test")
            )
        } + [LockRequest(lockID: "", owner: "beta", ttl: .seconds(60), liveness: nil, tick: tick)]
    }

    @Test(arguments: StoreKind.all)
    func aBatchAcquiresAndRefusesExactlyAsSingleCallsDo(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let raw = store.store
            let single = try await Self.scenario(store, "single")
            let singles = try await offPool { single.map { request in Result { try raw.acquire(request) } } }
            let batch = try await Self.scenario(store, "batch")
            let batched = try await offPool { raw.acquire(batch: batch) }

            #expect(batched.count == batch.count)
            #expect(batched.map(Self.shape) == singles.map(Self.shape))
            #expect(batched.map(Self.shape) == [
                "acquired by beta",
                "held by alpha",
                "already ran \(micros(Self.tick)) after \(micros(Self.tick))",
                "acquired by beta after \(micros(Self.tick - 60))",
                "acquired by beta recovered from alpha (owner_dead) after \(micros(Self.tick - 60))",
                "error InvalidLockIDError",
            ])
            // Each claim has its own token, and its own ledger row.
            let leases = batched.compactMap { try? $0.get().lease }
            #expect(Set(leases.map(\.token)).count == leases.count)
            for (request, answer) in zip(batch, batched) {
                guard let lease = try? answer.get().lease, let job = request.run?.job else { continue }
                let runs = try await offPool { try? raw.runs(of: job, limit: 5) }
                if let runs {   // stores without a ledger answer nil here
                    #expect(runs.first?.token == lease.token)
                    #expect(runs.first?.outcome == .running)
                }
            }
        }
    }

    @Test(arguments: StoreKind.all)
    func aBatchReleasesExactlyAsSingleCallsDo(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let raw = store.store
            func leases(_ group: String) async throws -> [LockRelease] {
                let kept = try await store.acquired(store.id("\(group)-kept"), owner: "alpha")
                let forced = try await store.acquired(store.id("\(group)-forced"), owner: "alpha")
                #expect(try await store.forceRelease(forced.lockID))
                let taken = try await store.acquired(store.id("\(group)-taken"), owner: "alpha", ttl: .seconds(60), at: longAgo())
                _ = try await store.acquired(taken.lockID, owner: "gamma")
                return [kept, forced, taken].map { LockRelease(lease: $0, run: RunEnd(outcome: .succeeded)) }
            }
            let single = try await leases("single")
            let singles = try await offPool { single.map { release in Result { try raw.release(release.lease, ending: release.run) } } }
            let batch = try await leases("batch")
            let batched = try await offPool { raw.release(batch: batch) }
            #expect(batched.map(Self.shape) == singles.map(Self.shape))
            #expect(batched.map(Self.shape) == ["released", "lost by force-release", "lost to gamma"])
            #expect(try await store.lock(store.id("batch-kept"))?.status == .released)
        }
    }

    /// Several processes batch-claiming the same locks for the same tick at once, each batch in
    /// its own order: every batch is answered (no deadlock), each lock is claimed exactly once,
    /// and every other answer is already ran.
    @Test(arguments: StoreKind.all)
    func concurrentBatchesOverTheSameLocksClaimEachOnceWithoutDeadlock(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let processes = [store] + (try (0..<2).compactMap { _ in try kind.reopen(store) })
            let ids = (0..<200).map { store.id("burst-\($0)") }
            let tick = Self.tick
            let answers = try await withThrowingTaskGroup(of: [(String, Result<AcquireResult, any Error>)].self) { group in
                for (number, process) in processes.enumerated() {
                    let raw = process.store
                    let requests = ids.shuffled().map {
                        LockRequest(lockID: $0, owner: "process-\(number)", ttl: .seconds(3600), liveness: .seconds(30), tick: tick)
                    }
                    group.addTask { try await offPool { Array(zip(requests.map(\.lockID), raw.acquire(batch: requests))) } }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(answers.count == ids.count * processes.count)
            let failures = answers.compactMap { if case .failure(let error) = $0.1 { return "\(error)" } else { return nil } }
            #expect(failures.isEmpty, "\(failures.prefix(3))")
            let winners = Dictionary(grouping: answers.filter { (try? $0.1.get().lease) != nil }, by: \.0)
            #expect(winners.count == ids.count, "every lock claimed")
            #expect(winners.values.allSatisfy { $0.count == 1 }, "no lock claimed twice")
            let refusals = answers.compactMap { try? $0.1.get().refusal }
            #expect(refusals.count == ids.count * (processes.count - 1))
            #expect(refusals.allSatisfy { $0.reason.alreadyRan != nil }, "\(refusals.first { $0.reason.alreadyRan == nil }.map { "\($0)" } ?? "")")
        }
    }
}
