import Dispatch
import Synchronization

/// A small pool of libpq connections, each used by one caller at a time.
///
/// Callers block (on Dispatch threads, never the cooperative pool) while a connection is
/// opened or borrowed. A connection found broken is dropped, and the call is tried once
/// more on a fresh one: after a server restart the next call reconnects and succeeds.
/// Every statement JobKit sends is safe to repeat (see ``PostgresLockStore``).
final class PostgresConnectionPool: Sendable {
    private let settings: PostgresConnectionSettings
    private let idle = Mutex<[PostgresConnection]>([])
    private let permits: DispatchSemaphore
    /// Whether the connections prepare the statements that ask for it.
    private let preparation = PostgresStatementPreparation()

    init(settings: PostgresConnectionSettings, maximumConnections: Int) {
        precondition(maximumConnections > 0, "a pool needs at least one connection")
        self.settings = settings
        self.permits = DispatchSemaphore(value: maximumConnections)
    }

    var target: String { settings.target }

    /// Runs `work` on a pooled connection, reconnecting once if the connection turns out broken.
    func withConnection<T>(_ work: (PostgresConnection) throws(PostgresError) -> T) throws(PostgresError) -> T {
        permits.wait()
        defer { permits.signal() }
        var retried = false
        while true {
            let connection = try borrow()
            do {
                let value = try work(connection)
                giveBack(connection)
                return value
            } catch {
                if connection.isBroken {
                    // Dropped: the next borrow opens a fresh connection.
                    if !retried && (error.isConnectionFailure || error.code == .connectionLost) {
                        retried = true
                        idle.withLock { $0.removeAll() }   // its siblings likely broke too
                        continue
                    }
                } else {
                    giveBack(connection)
                }
                throw error
            }
        }
    }

    private func borrow() throws(PostgresError) -> PostgresConnection {
        if let connection = idle.withLock({ $0.popLast() }) { return connection }
        return try PostgresConnection.connect(settings, preparation: preparation)
    }

    private func giveBack(_ connection: PostgresConnection) {
        idle.withLock { $0.append(connection) }
    }
}
