import Foundation
import JobKit
import Testing

/// A role with exactly the grants the README lists (no `CREATE`) runs `jobkit run`, `once`
/// and `locks` on a schema an operator migrated; on an older schema it stops with a clear
/// error naming `jobkit migrate`.
@Suite struct PostgresLeastPrivilegeTests {
    /// A schema of the test's own holding `jobkit_locks`, and a role whose search path is it.
    struct Setup {
        let adminURL: String
        let roleURL: String
        let schema: String
        let role: String

        init() throws {
            adminURL = try TestDatabase.url
            let unique = String(UInt32.random(in: .min ... .max), radix: 16)
            schema = "jk_lp_\(unique)"
            role = "jk_lp_\(unique)"
            let password = "pw\(unique)"
            try PostgresTestSQL.run(adminURL, """
                CREATE SCHEMA \(schema);
                CREATE ROLE \(role) LOGIN PASSWORD '\(password)';
                ALTER ROLE \(role) SET search_path = \(schema);
                """)
            var components = try #require(URLComponents(string: adminURL))
            components.user = role
            components.password = password
            roleURL = try #require(components.string)
        }

        /// The grants of the README's "Least-privilege role", on `schema`, but for the one
        /// on the object named `leftOut` (such as `jobkit_locks_runs`), if any.
        func grant(leavingOut leftOut: String? = nil) throws {
            let t = "\(schema).jobkit_locks"
            let grants = [
                "GRANT USAGE ON SCHEMA \(schema) TO \(role)",
                "GRANT SELECT, INSERT, UPDATE ON \(t) TO \(role)",
                "GRANT USAGE ON SEQUENCE \(t)_token_seq TO \(role)",
                "GRANT SELECT ON \(t)_schema TO \(role)",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON \(t)_runs TO \(role)",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON \(t)_controls, \(t)_triggers TO \(role)",
            ]
            let kept = grants.filter { grant in leftOut.map { !grant.contains(".\($0) ") } ?? true }
            #expect(kept.count == grants.count - (leftOut == nil ? 0 : 1), "\(leftOut ?? "") names one grant")
            try PostgresTestSQL.run(adminURL, kept.joined(separator: ";\n"))
        }

        /// Migrates as the admin, the way `jobkit migrate` does.
        func migrate() throws {
            var configuration = PostgresLockStore.Configuration()
            configuration.table = try TableName("\(schema).jobkit_locks")
            try PostgresLockStore(url: adminURL, configuration: configuration).migrate()
        }

        func tearDown() {
            try? PostgresTestSQL.run(adminURL, "DROP SCHEMA IF EXISTS \(schema) CASCADE; DROP OWNED BY \(role); DROP ROLE IF EXISTS \(role)")
        }
    }

    @Test func aRoleWithTheListedGrantsRunsOnceLocksAndRun() async throws {
        let setup = try Setup()
        defer { setup.tearDown() }
        try setup.migrate()
        try setup.grant()
        let canCreate = try PostgresTestSQL.value(setup.adminURL, "SELECT has_schema_privilege('\(setup.role)', '\(setup.schema)', 'CREATE')")
        #expect(canCreate == "f", "the role may not create anything")

        let directory = try TemporaryDirectory()
        let config = try Self.writeJobsFile(in: directory, databaseURL: setup.roleURL)
        let once = try await JobKitProcess.run(["once", "tick", "--config", config])
        #expect(try await once.waitForExit() == 0, "\(once.allOutput)")
        #expect(once.events.compactMap(\.name) == ["job.started", "job.succeeded"], "\(once.allOutput)")

        let history = try await JobKitProcess.run(["history", "tick", "--json", "--config", config])
        #expect(try await history.waitForExit() == 0, "\(history.allOutput)")
        #expect(history.stdoutLines.joined().contains("\"succeeded\""), "\(history.allOutput)")
        let status = try await JobKitProcess.run(["status", "--json", "--config", config])
        #expect(try await status.waitForExit() == 0, "\(status.allOutput)")

        let locks = try await JobKitProcess.run(["locks", "list", "--config", config])
        #expect(try await locks.waitForExit() == 0, "\(locks.allOutput)")
        #expect(locks.stdoutLines.contains { $0.hasPrefix("tick ") }, "\(locks.allOutput)")

        let scheduler = try JobKitProcess(["run", config])
        try await scheduler.waitForEvent("job.succeeded", where: { $0["tick"] != nil })
        // The fleet controls work with the listed grants too.
        for arguments in [["pause", "tick", "--reason", "maintenance"], ["resume", "tick"], ["trigger", "tick", "--wait"]] {
            let control = try await JobKitProcess.run(arguments + ["--config", config])
            #expect(try await control.waitForExit() == 0, "\(arguments): \(control.allOutput)")
        }
        scheduler.signal(SIGTERM)
        #expect(try await scheduler.waitForExit() == 0, "\(scheduler.allOutput)")
        #expect(scheduler.events("store.unavailable").isEmpty, "\(scheduler.allOutput)")
        #expect(scheduler.events("config.invalid").isEmpty, "\(scheduler.allOutput)")
    }

    @Test func onAnOlderSchemaTheRoleStopsWithAnErrorNamingJobkitMigrate() async throws {
        let setup = try Setup()
        defer { setup.tearDown() }
        // Version 1, as an operator's earlier `jobkit migrate` left it.
        try PostgresTestSQL.run(setup.adminURL, PostgresSchemaV1Fixture(table: try TableName("\(setup.schema).jobkit_locks")).migration)
        try PostgresTestSQL.run(setup.adminURL, """
            GRANT USAGE ON SCHEMA \(setup.schema) TO \(setup.role);
            GRANT SELECT, INSERT, UPDATE ON \(setup.schema).jobkit_locks TO \(setup.role);
            GRANT USAGE ON SEQUENCE \(setup.schema).jobkit_locks_token_seq TO \(setup.role);
            """)
        let error = try await Self.startupRefusal(setup)["error"] ?? ""
        #expect(error.contains("version 1") && error.contains("jobkit migrate") && error.contains("42501"), "\(error)")
    }

    /// No schema at all, and a role that may use its schema but not create in it: the
    /// scheduler stops at start naming `jobkit migrate`, creates nothing, and runs nothing.
    @Test func withNoSchemaTheRoleStopsWithAnErrorNamingJobkitMigrate() async throws {
        let setup = try Setup()
        defer { setup.tearDown() }
        try PostgresTestSQL.run(setup.adminURL, "GRANT USAGE ON SCHEMA \(setup.schema) TO \(setup.role)")
        let error = try await Self.startupRefusal(setup)["error"] ?? ""
        #expect(error.contains("There is no JobKit schema") && error.contains("jobkit migrate") && error.contains("42501"), "\(error)")
        let objects = try PostgresTestSQL.value(
            setup.adminURL, "SELECT count(*) FROM pg_class WHERE relnamespace = $1::regnamespace", [setup.schema]
        )
        #expect(objects == "0", "the role created something")
    }

    /// A grant missing on what start-up reads (the schema's version): the scheduler stops at
    /// start with `config.invalid`, cause `permission denied`, exit status 1.
    @Test func withoutTheGrantOnTheVersionTableTheSchedulerStopsAtStart() async throws {
        let invalid = try await Self.startupRefusal(leavingOut: "jobkit_locks_schema")
        #expect(invalid["cause"] == "permission denied", "\(invalid)")
        #expect(invalid["error"]?.contains("jobkit_locks_schema") == true, "\(invalid)")
    }

    /// A grant missing only on what a run writes (the run ledger): start-up checks the role's
    /// privileges on every object runs use, so the scheduler stops at start with
    /// `config.invalid`, cause `permission denied`, naming each missing privilege, exit status 1.
    @Test func withoutTheGrantOnTheLedgerTheSchedulerStopsAtStartNamingWhatIsMissing() async throws {
        let invalid = try await Self.startupRefusal(leavingOut: "jobkit_locks_runs")
        #expect(invalid["cause"] == "permission denied", "\(invalid)")
        for privilege in ["SELECT", "INSERT", "UPDATE", "DELETE"] {
            #expect(invalid["error"]?.contains("\(privilege) on \"jobkit_locks_runs\"") == true, "\(invalid)")
        }
        #expect(invalid["error"]?.contains("jobkit_locks_controls") == false, "only what is missing: \(invalid)")
    }

    /// Runs `jobkit run` as a role with every listed grant but the one on `leftOut`, on a
    /// migrated schema; returns what ``startupRefusal(_:)`` returns.
    private static func startupRefusal(leavingOut leftOut: String) async throws -> CLIEvent {
        let setup = try Setup()
        defer { setup.tearDown() }
        try setup.migrate()
        try setup.grant(leavingOut: leftOut)
        return try await startupRefusal(setup)
    }

    /// Runs `jobkit run` as `setup`'s role and returns its `config.invalid` after checking
    /// that it stopped at start: exit status 1, no outage reported and nothing run.
    private static func startupRefusal(_ setup: Setup) async throws -> CLIEvent {
        let directory = try TemporaryDirectory()
        let config = try writeJobsFile(in: directory, databaseURL: setup.roleURL)
        let scheduler = try await JobKitProcess.run(["run", config])
        #expect(try await scheduler.waitForExit() == 1, "\(scheduler.allOutput)")
        let invalid = try #require(scheduler.events("config.invalid").first, "\(scheduler.allOutput)")
        #expect(scheduler.events("store.unavailable").isEmpty, "\(scheduler.allOutput)")
        #expect(scheduler.events("job.started").isEmpty, "\(scheduler.allOutput)")
        return invalid
    }

    /// A grant revoked while the scheduler runs: each fire reports `store.unavailable` with
    /// `permanent: true` and the cause, runs nothing, and the scheduler stays up, retrying;
    /// once the grant is back, `store.recovered` and the job runs again.
    @Test func aGrantRevokedDuringARunIsAPermanentOutageThatEndsWhenItIsBack() async throws {
        let setup = try Setup()
        defer { setup.tearDown() }
        try setup.migrate()
        try setup.grant()
        let directory = try TemporaryDirectory()
        let config = try Self.writeJobsFile(in: directory, databaseURL: setup.roleURL)
        let scheduler = try JobKitProcess(["run", config])
        _ = try await scheduler.waitForEvent("job.succeeded")
        try PostgresTestSQL.run(setup.adminURL, "REVOKE INSERT ON \(setup.schema).jobkit_locks_runs FROM \(setup.role)")
        let outage = try await scheduler.waitForEvent("store.unavailable")
        #expect(outage.fields["permanent"] == .bool(true), "\(outage)")
        #expect(outage["cause"] == "permission denied", "\(outage)")
        #expect(outage["error"]?.contains("jobkit_locks_runs") == true, "\(outage)")
        try PostgresTestSQL.run(setup.adminURL, "GRANT INSERT ON \(setup.schema).jobkit_locks_runs TO \(setup.role)")
        _ = try await scheduler.waitForEvent("store.recovered")
        let succeeded = scheduler.events("job.succeeded").count
        _ = try await poll(timeout: .seconds(60), "a run after the grant is back") {
            scheduler.events("job.succeeded").count > succeeded ? true : nil
        }
        scheduler.signal(SIGTERM)
        #expect(try await scheduler.waitForExit() == 0, "\(scheduler.allOutput)")
        #expect(scheduler.events("config.invalid").isEmpty, "\(scheduler.allOutput)")
    }

    private static func writeJobsFile(in directory: TemporaryDirectory, databaseURL: String) throws -> String {
        let file: [String: Any] = [
            "database": databaseURL,
            "jobs": [["name": "tick", "type": "shell", "every": "1s", "parameters": ["command": ["true"]]]],
        ]
        let path = directory.path("jobs.json")
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: path))
        return path
    }
}
