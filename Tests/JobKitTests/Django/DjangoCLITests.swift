import Foundation
@_spi(Testing) import JobKit
import Testing

/// `jobkit` on `django+postgres://`: `once` runs under django-db-mutex's lock, `locks` shows
/// Django's rows, and the scheduler refuses the store.
@Suite struct DjangoCLITests {
    @Test func onceIsSkippedWhileDjangoHoldsTheLockAndRunsAfterItsRelease() async throws {
        let side = try await DjangoSide(test: "cli_once")
        let directory = try TemporaryDirectory()
        let config = try CLI.writeJobsFile(in: directory, jobs: [
            CLI.shellJob("report", every: "1h", script: "touch \"ran-$JOBKIT_LOCK_TOKEN\"", in: directory),
        ])
        let django = try side.python(["hold", "--lock", "report"])
        let held = try await django.waitForLine { $0["acquired"] != nil }
        let djangoToken = try #require(held["token"] as? Int64)

        let skipped = try await JobKitProcess.run(["once", "report", "--config", config, "--database-url", side.url])
        #expect(try await skipped.waitForExit() == 0, "\(skipped.allOutput)")
        let skip = try #require(try skipped.parsedLines().first)
        #expect(skip.name == "job.skipped" && skip["reason"] == "lock_held", "\(skipped.allOutput)")
        #expect(skip.integer("holder_token") == djangoToken, "\(skipped.allOutput)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).allSatisfy { !$0.hasPrefix("ran-") })

        django.send("release")
        _ = try await django.waitForLine { $0["outcome"] != nil }
        let ran = try await JobKitProcess.run(["once", "report", "--config", config, "--database-url", side.url])
        #expect(try await ran.waitForExit() == 0, "\(ran.allOutput)")
        #expect(try ran.parsedLines().compactMap(\.name) == ["job.started", "job.succeeded"])
        let token = try #require(try ran.parsedLines().first?.integer("token"))
        #expect(token > djangoToken, "the token is the new row's id")
        #expect(FileManager.default.fileExists(atPath: directory.path("ran-\(token)")))
        #expect(try await side.store.locks().isEmpty, "once released its row")
    }

    @Test func locksListShowsDjangosRowsWithAnUnknownOwner() async throws {
        let side = try await DjangoSide(test: "cli_locks")
        let django = try side.python(["hold", "--lock", "nightly-billing"])
        let held = try await django.waitForLine { $0["acquired"] != nil }
        let rows = try await CLI.lockRows(databaseURL: side.url)
        #expect(rows.count == 1)
        #expect(rows.first?["LOCK"] == "nightly-billing")
        #expect(rows.first?["STATUS"] == "held")
        #expect(rows.first?["OWNER"] == DjangoLockStore.unknownOwner)
        #expect(rows.first?["TOKEN"] == (held["token"] as? Int64).map(String.init))
        #expect(rows.first?["LAST TICK"] == "-")
        django.send("release")
        #expect(try await django.waitForLine { $0["outcome"] != nil }["outcome"] as? String == "released")
    }

    @Test func migrateOnlyChecksTheTable() async throws {
        let side = try await DjangoSide(test: "cli_migrate")
        let checked = try await JobKitProcess.run(["migrate", "--database-url", side.url])
        #expect(try await checked.waitForExit() == 0, "\(checked.allOutput)")
        #expect(checked.stdoutLines.first?.hasPrefix("Checked django+postgres://") == true, "\(checked.allOutput)")

        let empty = TestDatabase.tableName(for: "dj_cli_empty")
        try PostgresTestSQL.run(try TestDatabase.url, "CREATE SCHEMA \"\(empty)\"")
        let url = "django+" + (try TestDatabase.url) + "?options=-c%20search_path%3D" + empty
        let missing = try await JobKitProcess.run(["migrate", "--database-url", url])
        #expect(try await missing.waitForExit() == 1)
        #expect(missing.stderr.contains("db_mutex_dbmutex does not exist"), "\(missing.allOutput)")
        #expect(missing.stderr.contains("python manage.py migrate db_mutex"), "\(missing.allOutput)")
        let stillMissing = try await JobKitProcess.run(["migrate", "--database-url", url])
        #expect(try await stillMissing.waitForExit() == 1, "nothing was created")
    }

    @Test func theSchedulerRefusesTheStoreWithConfigInvalid() async throws {
        let side = try await DjangoSide(test: "cli_run")
        let directory = try TemporaryDirectory()
        let config = try CLI.writeJobsFile(in: directory, jobs: [
            CLI.shellJob("hello", every: "1s", script: "touch ran", in: directory),
        ])
        let scheduler = try await JobKitProcess.run(["run", config, "--database-url", side.url])
        #expect(try await scheduler.waitForExit() == 1, "\(scheduler.allOutput)")
        let names = try scheduler.parsedLines().compactMap(\.name)
        #expect(names == ["config.invalid"], "refused before it starts: \(names)")
        let error = try scheduler.parsedLines().first { $0.name == "config.invalid" }?["error"] ?? ""
        #expect(error.contains("Use a postgres:// store for scheduled jobs"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("ran")))
        #expect(try await side.store.locks().isEmpty, "nothing was taken")
    }
}
