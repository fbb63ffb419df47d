import Foundation
import JobKit
import Testing

/// A PostgreSQL store whose migration failed (its schema was missing, or it lacked the
/// privilege) must work once the cause is fixed, without a restart.
@Suite struct PostgresMigrationRecoveryTests {
    @Test func storeRecoversOnceAFailedMigrationsCauseIsFixed() async throws {
        try await offPool {
            guard let url = ProcessInfo.processInfo.environment["JOBKIT_TEST_DATABASE_URL"], !url.isEmpty else {
                throw MissingTestDatabase()
            }
            let schema = "jk_missing_\(String(UInt32.random(in: .min ... .max), radix: 16))"
            var configuration = PostgresLockStore.Configuration()
            configuration.table = try TableName("\(schema).locks")
            configuration.maximumConnections = 1
            let store = try PostgresLockStore(url: url, configuration: configuration)
            defer { try? PostgresTestSQL.run(url, "DROP SCHEMA IF EXISTS \(schema) CASCADE") }

            #expect(throws: PostgresError.self, "the schema does not exist yet") { try store.migrate() }
            try PostgresTestSQL.run(url, "CREATE SCHEMA \(schema)")

            // A failed script must not leave the pooled connection in an aborted transaction.
            try store.migrate()
            let request = LockRequest(lockID: "after-fix", owner: "alpha", ttl: .seconds(60), liveness: nil)
            #expect(try store.acquire(request).lease != nil)
        }
    }
}
