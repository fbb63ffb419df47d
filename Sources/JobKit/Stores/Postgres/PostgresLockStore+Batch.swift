import Foundation

/// Batched claims on PostgreSQL: a batch is one statement and one commit (schema version 6's
/// set-based `acquire_many_v6` / `release_many_v6`), each element answered exactly as the
/// per-lock functions answer it.
extension PostgresLockStore {
    /// Acquires every request in one statement and one commit. Claims another process is
    /// writing right now are asked again, alone, in a second statement after the first has
    /// committed (see `PostgresSchema+V4.swift` and `+V6.swift`): they wait for that process without holding
    /// this batch's rows. An invalid lock id fails its own answer; a failure of a statement
    /// fails the answers it carried.
    public func acquire(batch requests: [LockRequest]) -> [Result<AcquireResult, any Error>] {
        var answers = [Result<AcquireResult, any Error>?](repeating: nil, count: requests.count)
        var pending: [Int] = []
        for (index, request) in requests.enumerated() {
            do {
                try LockID.validate(request.lockID)
                pending.append(index)
            } catch {
                answers[index] = .failure(error)
            }
        }
        var deferringBusy = true
        while !pending.isEmpty {
            do {
                pending = try acquire(pending, of: requests, deferringBusy: deferringBusy, into: &answers)
            } catch {
                for index in pending { answers[index] = .failure(error) }
                pending = []
            }
            deferringBusy = false
        }
        return answers.map { $0! }
    }

    /// One `acquire_many_v6` statement for `requests[indices]`; fills their answers and
    /// returns the indices answered `busy`.
    private func acquire(
        _ indices: [Int], of requests: [LockRequest], deferringBusy: Bool,
        into answers: inout [Result<AcquireResult, any Error>?]
    ) throws -> [Int] {
        let batch = indices.map { requests[$0] }
        let parameters: [String?] = [
            PostgresArrayLiteral.text(batch.map(\.lockID)),
            PostgresArrayLiteral.text(batch.map(\.owner)),
            PostgresArrayLiteral.text(batch.map { $0.ttl.map { String($0.jobKitMicroseconds) } }),
            PostgresArrayLiteral.text(batch.map { $0.liveness.map { String($0.jobKitMicroseconds) } }),
            PostgresArrayLiteral.text(batch.map { $0.tick.map { String($0.jobKitEpochMicroseconds) } }),
            PostgresArrayLiteral.text(batch.map { $0.run?.job }),
            PostgresArrayLiteral.text(batch.map { $0.run?.jobType }),
            String(configuration.retention.runsPerJob),
            deferringBusy ? "t" : "f",
        ]
        let result = try run(schema.acquireMany, parameters, "acquiring \(batch.count) locks")
        guard result.rowCount == batch.count else {
            throw result.unexpected("acquire_many returned \(result.rowCount) rows for \(batch.count) locks")
        }
        var busy: [Int] = []
        for row in 0..<result.rowCount {
            let position = Int(try result.requiredInt64(row, 0)) - 1
            guard batch.indices.contains(position) else { throw result.unexpected("acquire_many answered element \(position + 1)") }
            let index = indices[position]
            if result.string(row, 13) == "busy" {
                busy.append(index)
            } else {
                answers[index] = .success(try Self.acquireResult(batch[position], in: result, row: row, from: 1))
            }
        }
        return busy.sorted()
    }

    /// Releases every lease in one statement and one commit (relaxed, as single releases are,
    /// when ``Configuration/relaxedRelease``). A failure of the statement fails every answer.
    public func release(batch releases: [LockRelease]) -> [Result<ReleaseResult, any Error>] {
        guard !releases.isEmpty else { return [] }
        do {
            let parameters: [String?] = [
                PostgresArrayLiteral.text(releases.map(\.lease.lockID)),
                PostgresArrayLiteral.text(releases.map { String($0.lease.token) }),
                configuration.relaxedRelease ? "t" : "f",
                PostgresArrayLiteral.text(releases.map { $0.run?.outcome.name }),
                PostgresArrayLiteral.text(releases.map { $0.run?.boundedError }),
            ]
            let result = try run(schema.releaseMany, parameters, "releasing \(releases.count) locks")
            guard result.rowCount == releases.count else {
                throw result.unexpected("release_many returned \(result.rowCount) rows for \(releases.count) leases")
            }
            var answers = [Result<ReleaseResult, any Error>?](repeating: nil, count: releases.count)
            for row in 0..<result.rowCount {
                let position = Int(try result.requiredInt64(row, 0)) - 1
                guard releases.indices.contains(position) else { throw result.unexpected("release_many answered element \(position + 1)") }
                answers[position] = .success(try Self.releaseResult(in: result, row: row, from: 1))
            }
            return try answers.map { answer in
                guard let answer else { throw result.unexpected("release_many left an element unanswered") }
                return answer
            }
        } catch {
            return releases.map { _ in .failure(error) }
        }
    }
}
