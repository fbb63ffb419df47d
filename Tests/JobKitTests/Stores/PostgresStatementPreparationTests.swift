import Foundation
@testable import JobKit
import Testing

/// The PostgreSQL store's statements are prepared once per connection, under a name made from
/// their text; a statement that went missing on the server (what a pooler in transaction mode
/// does) is answered from its text, and the pool stops preparing; a name another session of
/// the same server connection prepared already is used as it is.
@Suite struct PostgresStatementPreparationTests {
    private func connect(_ preparation: PostgresStatementPreparation) throws -> PostgresConnection {
        try PostgresConnection.connect(
            PostgresConnectionSettings(try TestDatabase.url, connectTimeout: .seconds(10)), preparation: preparation
        )
    }

    private static let sql = "SELECT $1::integer + 1"

    private func preparedNames(_ connection: PostgresConnection) throws -> [String] {
        let result = try connection.query("SELECT name FROM pg_prepared_statements ORDER BY name", [], context: "test")
        return (0..<result.rowCount).compactMap { result.string($0, 0) }
    }

    @Test func aStatementIsPreparedOnceUnderANameMadeFromItsText() async throws {
        try await offPool {
            let preparation = PostgresStatementPreparation()
            let connection = try connect(preparation)
            for value in 1...3 {
                let result = try connection.query(Self.sql, [String(value)], prepared: true, context: "test")
                #expect(result.string(0, 0) == String(value + 1))
            }
            let name = PostgresStatementPreparation.name(for: Self.sql)
            #expect(name.hasPrefix("jobkit_") && name.count == 23)
            #expect(try preparedNames(connection) == [name])
            #expect(PostgresStatementPreparation.name(for: Self.sql + " ") != name)
        }
    }

    @Test func aStatementThatWentMissingIsAnsweredFromItsTextAndThePoolStopsPreparing() async throws {
        try await offPool {
            let preparation = PostgresStatementPreparation()
            let connection = try connect(preparation)
            _ = try connection.query(Self.sql, ["1"], prepared: true, context: "test")
            // What a pooler in transaction mode does: the next call meets a server session without it.
            try connection.script("DEALLOCATE ALL", context: "test")
            let result = try connection.query(Self.sql, ["41"], prepared: true, context: "test")
            #expect(result.string(0, 0) == "42")
            #expect(!preparation.isEnabled)
            #expect(try preparedNames(connection).isEmpty, "nothing prepared any more")
            #expect(try connection.query(Self.sql, ["1"], prepared: true, context: "test").string(0, 0) == "2")
        }
    }

    @Test func aNameThatTheServerSessionHasAlreadyIsUsed() async throws {
        try await offPool {
            let connection = try connect(PostgresStatementPreparation())
            let name = PostgresStatementPreparation.name(for: Self.sql)
            // Prepared by another client whose calls a pooler sent to this server session.
            try connection.script("PREPARE \(name) (integer) AS \(Self.sql.replacingOccurrences(of: "::integer", with: ""))", context: "test")
            #expect(try connection.query(Self.sql, ["1"], prepared: true, context: "test").string(0, 0) == "2")
            #expect(try preparedNames(connection) == [name])
        }
    }
}
