import Foundation

/// The mutex used without a job (`withDBMutex`, `DBMutex.withLock`) on schema version 7's lean
/// functions: the same answers as `acquire_v5` and `release_v2` give without a job, for less
/// of the server's time (see `PostgresSchema+V7.swift`).
extension PostgresLockStore {
    /// Acquires `request` (which names no job) with `acquire_v7`.
    func acquireBare(_ request: LockRequest, now: Date?) throws -> AcquireResult {
        let parameters: [String?] = [
            request.lockID, request.owner,
            request.ttl.map { String($0.jobKitMicroseconds) },
            request.liveness.map { String($0.jobKitMicroseconds) },
            request.tick.map { String($0.jobKitEpochMicroseconds) },
            now.map { String($0.jobKitEpochMicroseconds) },
        ]
        let result = try run(schema.acquireBare, parameters, "acquiring lock \(String(reflecting: request.lockID))")
        guard result.rowCount == 1 else { throw result.unexpected("acquire returned \(result.rowCount) rows") }
        // acquire_v7's columns are acquire_v2's, the first fourteen of acquire_v5's.
        return try Self.acquireResult(request, in: result, row: 0, from: 0)
    }

    /// Releases `lease` with no run to end, with `release_v7`.
    func releaseBare(_ lease: Lease) throws -> ReleaseResult {
        let result = try run(
            schema.releaseBare, [lease.lockID, String(lease.token), configuration.relaxedRelease ? "t" : "f"],
            "releasing lock \(String(reflecting: lease.lockID))"
        )
        guard result.rowCount == 1 else { throw result.unexpected("release returned \(result.rowCount) rows") }
        // release_v7's columns are release_v2's.
        return try Self.releaseResult(in: result, row: 0, from: 0)
    }
}
