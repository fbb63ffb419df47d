@_spi(Testing) import JobKit
import CSQLite
import Foundation

extension StoreUnderTest {
    /// Deletes the row of `lockID` behind the store's back, as an operator (or django-db-mutex's
    /// tooling) does by hand: raw SQL on PostgreSQL and SQLite, the test hook on memory.
    func deleteRowByHand(_ lockID: String) async throws {
        switch store {
        case let memory as InMemoryLockStore:
            memory.deleteRow(lockID)
        case let postgres as PostgresLockStore:
            let url = try context.postgresURL()
            let sql = "DELETE FROM \(postgres.table.quoted) WHERE lock_id = $1"
            try await offPool { try PostgresTestSQL.run(url, sql, [lockID]) }
        case let sqlite as SQLiteLockStore:
            let path = sqlite.path
            let sql = "DELETE FROM \(sqlite.table.quoted) WHERE lock_id = ?1"
            try await offPool { try SQLiteTestSQL.run(path, sql, [lockID]) }
        default:
            throw UnexpectedAnswer(description: "no way to delete a row by hand in \(store)")
        }
    }
}
