import Foundation
@_spi(Testing) import JobKit
import Logging
import Testing

/// Builds what the job tests share: a mutex on a table of the test's own, logging into a recorder.
enum JobTestSupport {
    /// A mutex on a fresh table named after `test`, with a 60-second TTL unless a run sets one.
    static func mutex(
        table test: String, recorder: EventRecorder, owner: String = "jobs-test:\(getpid())",
        heartbeat: HeartbeatPolicy? = .default
    ) throws -> (DBMutex, PostgresLockStore) {
        let store = try TestDatabase.store(table: test)
        try store.migrate()
        let mutex = DBMutex(store: store, owner: owner, ttl: .seconds(60), heartbeat: heartbeat, logger: recorder.logger())
        return (mutex, store)
    }

    /// A lock id no other test uses.
    static func lockID(_ test: String) -> String { "\(test)-\(UUID().uuidString)" }

    /// The fields of a record by short name (`lock_id`), without `event`.
    static func fieldNames(_ record: EventRecorder.Record) -> Set<String> {
        Set(record.metadata.keys.map { $0.hasPrefix(LogKeys.prefix) ? String($0.dropFirst(LogKeys.prefix.count)) : $0 })
            .subtracting(["event"])
    }

    /// Where `event` sits among the recorded events (first occurrence), for ordering checks.
    static func position(of event: JobEvent, in recorder: EventRecorder) -> Int? {
        recorder.records.firstIndex { $0.event == event }
    }
}
