/// Version 2 of the PostgreSQL schema: the version record.
///
/// Everything here is added next to version 1, never in its place: version-1 binaries keep
/// calling version 1's functions against the same lock table while a fleet upgrades.
extension PostgresSchema {
    /// The objects version 2 adds, in creation order.
    var version2: [String] { [v2SchemaTable] }

    /// The one-row table that records the schema's version. A row rather than a comment on
    /// the lock table: a role with `SELECT` reads it with a plain query, the migration updates
    /// it in the same transaction as the objects it creates, and dump tools that drop comments
    /// keep it.
    var v2SchemaTable: String {
        """
        CREATE TABLE IF NOT EXISTS \(schemaTable) (
            id          integer PRIMARY KEY CHECK (id = 1),
            version     integer NOT NULL,
            migrated_at timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """
    }

    /// Records `$1` as the version, never lowering a newer one (a binary of an older version
    /// migrating a newer schema changes nothing).
    var recordVersion: String {
        """
        INSERT INTO \(schemaTable) (id, version) VALUES (1, $1::integer)
        ON CONFLICT (id) DO UPDATE SET version = greatest(\(schemaTable).version, excluded.version),
            migrated_at = clock_timestamp()
        """
    }

    /// Whether the version table and the lock table exist (`to_regclass` needs no privilege).
    var findTables: String { "SELECT to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL" }

    /// The recorded version.
    var readVersion: String { "SELECT version FROM \(schemaTable) WHERE id = 1" }
}
