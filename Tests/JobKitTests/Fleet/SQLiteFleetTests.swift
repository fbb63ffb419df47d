import FleetHarness
import Foundation
import Testing

/// The SQLite store under `jobkit run` processes when its file goes away or its volume fills
/// up: the chaos trial's two SQLite failures, now scenarios with real processes.
@Suite(.serialized)
struct SQLiteFleetTests {
    private static let second: Duration = .seconds(1)

    /// `jobkit.sqlite`, `-wal` and `-shm` deleted under three schedulers: each notices at its
    /// next operation that its open file is no longer at the path, opens the path again and
    /// logs `store.reopened`; from one tick after the deletion on, every tick runs once, with
    /// tokens greater than every token of the deleted file.
    /// (Before, two kept using the unlinked file and a third made a new one: every tick ran
    /// twice, silently.)
    @Test func deletingTheFileUnderThreeSchedulersLeavesNoDuplicateAfterOneTick() async throws {
        let job = FleetJob(name: "tick", interval: Self.second, run: .milliseconds(10))
        let scenario = try FleetScenario("sqlite-deleted", jobs: [job]) { $0.appendingPathComponent("jobkit.sqlite").path }
        let database = scenario.directoryURL.appendingPathComponent("jobkit.sqlite").path
        var deletedMS: Int64 = 0
        try await scenario.run(.uniform(3)) { fleet in
            try await Fleet.waitFor("two runs before the deletion", timeout: .seconds(60)) {
                try fleet.runs().count >= 2 ? true : nil
            }
            deletedMS = FleetTime.nowNS() / 1_000_000
            for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) }
            try await Fleet.waitFor("every process to open the path again", timeout: .seconds(60)) {
                Set(fleet.events("store.reopened").map(\.process)).count == 3 ? true : nil
            }
            try await Task.sleep(for: .seconds(4))
        }

        let reopened = scenario.fleet.events("store.reopened")
        #expect(Set(reopened.map(\.process)) == [0, 1, 2], "\(scenario.transcript)")
        // The first to notice finds no file; the others find the one it made.
        #expect(reopened.contains { $0.string("reason") == "deleted" }, "\(scenario.transcript)")
        #expect(reopened.allSatisfy { ["deleted", "replaced"].contains($0.string("reason")) })
        #expect(FileManager.default.fileExists(atPath: database))
        let analysis = try scenario.analyze()
        let afterOneTick = deletedMS + 1000
        #expect(analysis.duplicates.filter { $0.tickMS > afterOneTick }.isEmpty, "\(analysis)\n\(scenario.transcript)")
        #expect(analysis.unexplainedGaps.isEmpty, "\(analysis)\n\(scenario.transcript)")
        let later = analysis.runs.filter { $0.tickMS > afterOneTick }
        #expect(later.count >= 3, "\(analysis)")
        #expect(Set(later.map(\.tickMS)).count == later.count, "\(analysis)")
        // The new file's token counter starts past the old file's tokens (it is seeded on the
        // clock), so tokens keep increasing across the deletion.
        let largestBefore = try #require(analysis.runs.filter { $0.startNS / 1_000_000 < deletedMS }.map(\.token).max())
        #expect(later.allSatisfy { $0.token > largestBefore }, "\(analysis)")
        #expect(scenario.fleet.events("store.unavailable").isEmpty, "\(scenario.transcript)")
        expectCleanExits(scenario.fleet)
    }

    /// Three schedulers with five jobs each second on a 1 MB volume for two minutes: the WAL
    /// stays within its bound, so the store never fails on its own (in the chaos trial, two
    /// schedulers filled a 1 MB volume in 81 s). Then the volume is filled to the last byte:
    /// an outage (`store.unavailable`), never a lasting failure: once the filler is deleted,
    /// every process that reported the outage reports `store.recovered`, and from the next
    /// tick on every tick runs once. (Before, the WAL grew until the volume was full, and the
    /// store stayed down until a restart.)
    @Test(.enabled(if: SmallVolume.canMount, "mounting a tmpfs needs root"))
    func aFullOneMegabyteVolumeIsAnOutageThatEndsWhenSpaceReturns() async throws {
        let jobs = (1...5).map { FleetJob(name: "job\($0)", interval: Self.second, run: .milliseconds(10)) }
        var volume: SmallVolume?
        let scenario = try FleetScenario("sqlite-full", jobs: jobs) { directory in
            let path = directory.appendingPathComponent("volume").path
            volume = try? SmallVolume(at: path, kilobytes: 1024)
            return path + "/jobkit.sqlite"
        }
        let disk = try #require(volume)
        defer { disk.unmount() }
        var largestWAL = 0
        var freedMS: Int64 = 0
        try await scenario.run(.uniform(3)) { fleet in
            // Two minutes of normal work: the WAL is checkpointed and cut back all along.
            let calm = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < calm {
                let attributes = try? FileManager.default.attributesOfItem(atPath: disk.path + "/jobkit.sqlite-wal")
                largestWAL = max(largestWAL, (attributes?[.size] as? Int) ?? 0)
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(fleet.events("store.unavailable").isEmpty, "\(scenario.transcript)")
            // The fleet still works at the end of it: every job ran in the last 10 s.
            let recent = FleetTime.nowNS() / 1_000_000 - 10_000
            #expect(Set(try fleet.runs().filter { $0.tickMS > recent }.map(\.job)).count == jobs.count, "\(scenario.transcript)")

            let filler = disk.fill()
            try await Fleet.waitFor("an outage on the full volume", timeout: .seconds(60)) {
                fleet.events("store.unavailable").isEmpty ? nil : true
            }
            unlink(filler)
            freedMS = FleetTime.nowNS() / 1_000_000
            try await Fleet.waitFor("every process that saw the outage to recover", timeout: .seconds(60)) {
                let down = Set(fleet.events("store.unavailable").map(\.process))
                let up = Set(fleet.events("store.recovered").map(\.process))
                return down.isSubset(of: up) ? true : nil
            }
            try await Task.sleep(for: .seconds(3))
        }

        #expect(largestWAL <= 200_000, "the WAL reached \(largestWAL) bytes")
        let unavailable = scenario.fleet.events("store.unavailable")
        #expect(unavailable.allSatisfy { $0.string("error")?.contains("full") == true }, "\(scenario.transcript)")
        for event in scenario.fleet.events("store.recovered") {
            #expect(event.receivedNS / 1_000_000 <= freedMS + 1500, "recovered late: \(event)")
        }
        let analysis = try scenario.analyze()
        #expect(analysis.duplicates.isEmpty, "\(analysis)")
        #expect(analysis.overlaps.isEmpty, "\(analysis)")
        let afterSpace = freedMS + 1000
        let later = analysis.runs.filter { $0.tickMS > afterSpace }
        #expect(later.count >= 5 * 2, "\(analysis)\n\(scenario.transcript)")
        #expect(analysis.gaps.filter { $0.tickMS > afterSpace }.isEmpty, "\(analysis)\n\(scenario.transcript)")
        expectCleanExits(scenario.fleet)
    }
}
