/// Whether this role holds every privilege that runs use on a migrated schema: the grants of
/// the README's least-privilege role, checked once when the store is brought up to date.
///
/// A grant missing on a table that only a run writes (the run ledger, say) would otherwise show
/// only at the first fire, as an outage no retry fixes; checked here, `jobkit run` stops at
/// start with `config.invalid` naming each missing privilege. One statement, which reads the
/// catalog and changes nothing; an object that does not exist is left to the version check.
struct PostgresPrivilegeCheck: Sendable {
    let schema: PostgresSchema

    /// Each object and one privilege on it that runs use.
    var needed: [(object: String, privilege: String)] {
        let readWrite = ["SELECT", "INSERT", "UPDATE"]
        let full = readWrite + ["DELETE"]
        var needed = readWrite.map { (schema.table.quoted, $0) }
        needed.append((schema.sequence, "USAGE"))
        needed.append((schema.schemaTable, "SELECT"))
        for table in [schema.runsTable, schema.controlsTable, schema.triggersTable] {
            needed += full.map { (table, $0) }
        }
        return needed
    }

    /// The privileges this role lacks, as `INSERT on "jobkit_locks_runs"`, in the order of
    /// ``needed``; empty when it holds them all.
    func missing(on connection: PostgresConnection) throws(PostgresError) -> [String] {
        let needed = self.needed
        let result = try connection.query(
            """
            SELECT v.p || ' on ' || v.t FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS v(t, p, o)
            WHERE to_regclass(v.t) IS NOT NULL
              AND NOT CASE WHEN v.p = 'USAGE' THEN has_sequence_privilege(to_regclass(v.t), v.p)
                           ELSE has_table_privilege(to_regclass(v.t), v.p) END
            ORDER BY v.o
            """,
            [PostgresArrayLiteral.text(needed.map(\.object)), PostgresArrayLiteral.text(needed.map(\.privilege))],
            context: "checking this role's privileges on the lock schema of \(schema.table)"
        )
        return (0..<result.rowCount).compactMap { result.string($0, 0) }
    }
}
