import Foundation
import CLibPQ

/// One libpq connection. It is not thread-safe: ``PostgresConnectionPool`` hands it to one
/// owner at a time, on a Dispatch thread, which is why it may cross threads at all.
final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    let target: String
    private let preparation: PostgresStatementPreparation
    /// The statements prepared on this connection: their texts, with the names they have.
    private var preparedNames: [String: String] = [:]

    private init(handle: OpaquePointer, target: String, preparation: PostgresStatementPreparation) {
        self.handle = handle
        self.target = target
        self.preparation = preparation
    }

    deinit { PQfinish(handle) }

    /// Opens a connection. Blocks for at most the connect timeout in `settings`.
    static func connect(
        _ settings: PostgresConnectionSettings, preparation: PostgresStatementPreparation = PostgresStatementPreparation()
    ) throws(PostgresError) -> PostgresConnection {
        let keywords = settings.keywords
        let values = settings.values
        let handle: OpaquePointer? = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else {
            throw PostgresError(
                code: .connectionFailed, context: "connecting", target: settings.target,
                message: "libpq could not allocate a connection"
            )
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            // libpq checks option values (a port that is not a number, an unknown sslmode) only
            // when it connects; such a URL never works, so it is not reported as an outage.
            let isMalformed = message.hasPrefix("invalid ")
            throw PostgresError(
                code: isMalformed ? .invalidConnectionString : .connectionFailed,
                context: isMalformed ? "reading the database URL" : "connecting", target: settings.target,
                sqlState: Self.sqlState(inConnectionMessage: message), message: message
            )
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        return PostgresConnection(handle: handle, target: settings.target, preparation: preparation)
    }

    /// Whether the connection is unusable and must be replaced.
    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    /// Runs one parameterized statement (extended protocol, text format) in one round trip.
    ///
    /// With `prepared`, the statement is prepared on this connection the first time (one more
    /// round trip, once) and then executed by name, so the server neither parses nor plans it
    /// again; outside a transaction only, so a failed preparation never aborts one. See
    /// ``PostgresStatementPreparation`` for poolers.
    func query(
        _ sql: String, _ parameters: [String?], prepared: Bool = false, context: @autoclosure () -> String
    ) throws(PostgresError) -> PostgresResult {
        if prepared, preparation.isEnabled, PQtransactionStatus(handle) == PQTRANS_IDLE,
           let name = try prepare(sql, parameterCount: parameters.count, context: context()) {
            let result: OpaquePointer? = withOptionalCStringArray(parameters) { pointers in
                PQexecPrepared(handle, name, Int32(parameters.count), pointers, nil, nil, 0)
            }
            do {
                return try check(result, context: context())
            } catch where error.sqlState == "26000" {
                // The statement is not on the server connection that ran it: a pooler in
                // transaction mode. Nothing ran; send it with its text from now on.
                preparation.disable()
                preparedNames.removeAll()
            } catch where error.sqlState == "0A000" && error.message.contains("cached plan") {
                // A function it calls was re-created with other columns: prepare it afresh next time.
                preparedNames[sql] = nil
                PQclear(PQexec(handle, "DEALLOCATE \(name)"))
            }
        }
        let result: OpaquePointer? = withOptionalCStringArray(parameters) { pointers in
            PQexecParams(handle, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        return try check(result, context: context())
    }

    /// The name `sql` is prepared under on this connection, preparing it first if needed; `nil`
    /// when the pool stopped preparing. A name that exists already (a pooler's server
    /// connection that another client prepared) names the same text.
    private func prepare(_ sql: String, parameterCount: Int, context: @autoclosure () -> String) throws(PostgresError) -> String? {
        if let name = preparedNames[sql] { return name }
        let name = PostgresStatementPreparation.name(for: sql)
        do {
            _ = try check(PQprepare(handle, name, sql, Int32(parameterCount), nil), context: context())
        } catch where error.sqlState == "42P05" {
            // Already prepared under this name, which is its text's.
        }
        preparedNames[sql] = name
        return name
    }

    /// Runs a script of several statements without parameters (simple protocol). For schema only.
    ///
    /// A script that fails inside its `BEGIN` leaves the session in an aborted transaction,
    /// which would fail every later statement on this pooled connection: roll it back first.
    func script(_ sql: String, context: @autoclosure () -> String) throws(PostgresError) {
        do {
            _ = try check(PQexec(handle, sql), context: context())
        } catch {
            rollBackIfInTransaction()
            throw error
        }
    }

    /// Rolls back an open (or aborted) transaction, so the pooled connection is usable again.
    func rollBackIfInTransaction() {
        if !isBroken, PQtransactionStatus(handle) != PQTRANS_IDLE {
            PQclear(PQexec(handle, "ROLLBACK"))
        }
    }

    private func check(_ result: OpaquePointer?, context: String) throws(PostgresError) -> PostgresResult {
        guard let result else {
            throw PostgresError(
                code: isBroken ? .connectionLost : .unexpectedResult, context: context, target: target,
                message: String(cString: PQerrorMessage(handle))
            )
        }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            return PostgresResult(result, context: context, target: target)
        default:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            var message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
                ?? String(cString: PQresultErrorMessage(result))
            if message.isEmpty { message = String(cString: PQerrorMessage(handle)) }
            PQclear(result)
            let lost = isBroken
            throw PostgresError(
                code: lost && sqlState == nil ? .connectionLost : .server, context: context, target: target,
                sqlState: sqlState, message: message
            )
        }
    }

    /// libpq puts no SQLSTATE on connection failures; recognise the two a person most needs.
    private static func sqlState(inConnectionMessage message: String) -> String? {
        if message.contains("password authentication failed") { return "28P01" }
        if message.contains("no pg_hba.conf entry") { return "28000" }
        if message.contains("role") && message.contains("does not exist") { return "28000" }
        if message.contains("does not exist") && message.contains("database") { return "3D000" }
        return nil
    }
}

private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { copies.forEach { free($0) } }
    return copies.map { $0.map { UnsafePointer($0) } }.withUnsafeBufferPointer { body($0.baseAddress!) }
}

private func withOptionalCStringArray<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } }
    defer { copies.forEach { free($0) } }
    return copies.map { $0.map { UnsafePointer($0) } }.withUnsafeBufferPointer { body($0.baseAddress) }
}
