@_spi(Testing) import JobKit
import Foundation

/// A store that can acquire as if its clock read a given time: how the suite tests exact
/// TTL and liveness boundaries, and leases that expired long ago, on every store alike.
/// Everything else (heartbeat, release, list) runs on the store's real clock.
protocol TimeSteerableLockStore: LockStore {
    /// Acquires as if the store's clock read `now` (`nil`: its real clock).
    func acquire(_ request: LockRequest, now: Date?) throws -> AcquireResult
}

extension PostgresLockStore: TimeSteerableLockStore {}
extension SQLiteLockStore: TimeSteerableLockStore {}
extension InMemoryLockStore: TimeSteerableLockStore {}

extension PostgresLockStore.Configuration {
    init(table: TableName, retention: RunRetention = .default) {
        self.init()
        self.table = table
        self.retention = retention
    }
}

extension SQLiteLockStore.Configuration {
    init(table: TableName, retention: RunRetention = .default) {
        self.init()
        self.table = table
        self.retention = retention
    }
}
