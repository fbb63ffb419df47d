/// Brings a PostgreSQL database from the schema version it records to
/// ``PostgresSchema/currentVersion``, one version's objects at a time.
///
/// One transaction, serialized across processes by a transaction-scoped advisory lock (no
/// session state outlives it, so PgBouncer in transaction mode is fine). The version is read
/// under that lock: a database created before versions were recorded (a lock table but no
/// `<table>_schema`) is version 1, an empty one version 0. A database already current runs no
/// DDL at all, so a role without `CREATE` passes through; one that needs a step it may not take
/// gets a ``SchemaVersionError`` naming `jobkit migrate`.
struct PostgresMigration: Sendable {
    let schema: PostgresSchema

    /// Migrates on `connection`. Returns `nil` when the schema is current now, or the
    /// ``SchemaVersionError`` to throw when a step was needed that this role may not take
    /// (the transaction is rolled back).
    func run(on connection: PostgresConnection) throws(PostgresError) -> SchemaVersionError? {
        let context = "migrating the lock schema of \(schema.table)"
        try connection.script("BEGIN", context: context)
        do {
            _ = try connection.query("SELECT pg_advisory_xact_lock(hashtext($1))", [schema.migrationLockKey], context: context)
            let found = try recordedVersion(on: connection)
            if found < PostgresSchema.currentVersion {
                do {
                    // Version 1 recorded nothing, so a database found at version 1 may lack part of it
                    // (a table made by hand, a dropped sequence): its step, idempotent, runs again.
                    for step in schema.steps where step.version > found || step.version == 1 {
                        for statement in step.statements {
                            try connection.script(statement, context: context)
                        }
                    }
                    _ = try connection.query(schema.recordVersion, [String(PostgresSchema.currentVersion)], context: context)
                } catch where error.sqlState == "42501" {
                    connection.rollBackIfInTransaction()
                    return SchemaVersionError(
                        table: schema.table.description, found: found, required: PostgresSchema.currentVersion,
                        cause: "\(error.message) (SQLSTATE 42501)"
                    )
                }
            }
            try connection.script("COMMIT", context: context)
            return nil
        } catch {
            connection.rollBackIfInTransaction()
            throw error
        }
    }

    /// Checks, without changing anything, that the database is at least at `required`;
    /// returns the error to throw when it is not.
    func check(on connection: PostgresConnection, required: Int = PostgresSchema.currentVersion) throws(PostgresError) -> SchemaVersionError? {
        let found = try recordedVersion(on: connection)
        guard found >= required else {
            return SchemaVersionError(table: schema.table.description, found: found, required: required, cause: nil)
        }
        return nil
    }

    /// The recorded version: 0 without a lock table (also when a version is recorded: the
    /// table was dropped since, and every step, each idempotent, must run again), 1 with a lock
    /// table but no version record.
    func recordedVersion(on connection: PostgresConnection) throws(PostgresError) -> Int {
        let context = "reading the schema version of \(schema.table)"
        let tables = try connection.query(
            schema.findTables, [schema.schemaTable, schema.table.quoted], context: context
        )
        guard try tables.bool(0, 1) == true else { return 0 }
        guard try tables.bool(0, 0) == true else { return 1 }
        let version = try connection.query(schema.readVersion, [], context: context)
        guard version.rowCount == 1 else { return 1 }
        return Int(try version.requiredInt64(0, 0))
    }
}
