import Foundation

/// Fleet controls on SQLite (schema version 5), each call one transaction.
extension SQLiteLockStore {
    /// Pauses `job`; see ``LockStore/pause(_:reason:by:)``.
    public func pause(_ job: String, reason: String?, by who: String) throws -> JobPause {
        let reason = try reason.map(PauseReason.validated)
        try ensureSchema()
        let schema = self.schema
        let context = "pausing job \(String(reflecting: job))"
        return try withConnection { (connection) throws(SQLiteError) in
            try connection.transaction(context: context) { () throws(SQLiteError) in
                let now = try Self.now(connection, schema, context)
                var row = try Self.readControl(job, schema, on: connection, context) ?? ControlRules.Row()
                let pause = JobPause(job: job, reason: reason, pausedBy: who, pausedAt: now)
                row.pause = pause
                try Self.writeControl(job, row, schema, on: connection, context)
                return pause
            }
        }
    }

    /// Ends the pause of `job`; see ``LockStore/resume(_:)``.
    public func resume(_ job: String) throws -> JobPause? {
        try ensureSchema()
        let schema = self.schema
        let context = "resuming job \(String(reflecting: job))"
        return try withConnection { (connection) throws(SQLiteError) in
            try connection.transaction(context: context) { () throws(SQLiteError) in
                guard var row = try Self.readControl(job, schema, on: connection, context), let pause = row.pause else {
                    return nil
                }
                row.pause = nil
                try Self.writeControl(job, row, schema, on: connection, context)
                return pause
            }
        }
    }

    /// Every paused job; see ``LockStore/pauses()``.
    public func pauses() throws -> [JobPause] {
        try ensureSchema()
        let schema = self.schema
        let context = "listing paused jobs"
        return try withConnection { (connection) throws(SQLiteError) in
            var pauses: [JobPause] = []
            for values in try connection.execute(schema.listPauses, context: context) {
                guard let job = values.first?.text else { throw Self.unexpected("a control row has no job", connection, context) }
                if let pause = try Self.control(values, from: 1, job: job, connection, context).pause { pauses.append(pause) }
            }
            return pauses
        }
    }

    /// Records a trigger request; see ``LockStore/requestTrigger(_:by:)``.
    public func requestTrigger(_ job: String, by who: String) throws -> TriggerRequest {
        try ensureSchema()
        let schema = self.schema
        let context = "asking for a run of job \(String(reflecting: job))"
        return try withConnection { (connection) throws(SQLiteError) in
            try connection.transaction(context: context) { () throws(SQLiteError) in
                let now = try Self.now(connection, schema, context)
                let weekAgo = now.addingTimeInterval(-7 * 86_400)
                try connection.execute(schema.pruneTriggers, [.integer(weekAgo.jobKitEpochMicroseconds)], context: context)
                let rows = try connection.execute(
                    schema.insertTrigger, [.text(job), .text(who), .integer(now.jobKitEpochMicroseconds)], context: context
                )
                guard let values = rows.first else { throw Self.unexpected("the new trigger request has no row", connection, context) }
                return try Self.trigger(values, connection, context)
            }
        }
    }

    /// Reads a trigger request; see ``LockStore/triggerRequest(_:)``.
    public func triggerRequest(_ id: Int64) throws -> TriggerRequest? {
        try ensureSchema()
        let schema = self.schema
        let context = "reading trigger request \(id)"
        return try withConnection { (connection) throws(SQLiteError) in
            guard let values = try connection.execute(schema.readTrigger, [.integer(id)], context: context).first else { return nil }
            return try Self.trigger(values, connection, context)
        }
    }

    /// Withdraws an unclaimed trigger request; see ``LockStore/withdrawTrigger(_:)``.
    public func withdrawTrigger(_ id: Int64) throws -> Bool {
        try ensureSchema()
        let schema = self.schema
        return try withConnection { (connection) throws(SQLiteError) in
            try !connection.execute(schema.withdrawTrigger, [.integer(id)], context: "withdrawing trigger request \(id)").isEmpty
        }
    }

    /// The control poll; see ``LockStore/controls(for:seenBy:)``.
    public func controls(for jobs: [String], seenBy owner: String) throws -> ControlSnapshot {
        try ensureSchema()
        let schema = self.schema
        let names = JSONStringArray.text(jobs)
        let context = "polling the fleet controls"
        return try withConnection { (connection) throws(SQLiteError) in
            try connection.transaction(context: context) { () throws(SQLiteError) in
                try connection.execute(schema.markTriggersSeen, [.text(names), .text(owner)], context: context)
                var snapshot = ControlSnapshot()
                for values in try connection.execute(schema.pollControls, [.text(names)], context: context) {
                    guard values.count == 7, let job = values[1].text, let who = values[3].text, let at = values[4].integer else {
                        throw Self.unexpected("a control row has NULL or mistyped columns", connection, context)
                    }
                    if values[0].text == "pause" {
                        snapshot.pauses[job] = JobPause(
                            job: job, reason: values[2].text, pausedBy: who, pausedAt: Date(epochMicroseconds: at)
                        )
                    } else if let id = values[5].integer {
                        snapshot.triggers.append(
                            TriggerRequest(
                                id: id, job: job, requestedBy: who, requestedAt: Date(epochMicroseconds: at), seenBy: values[6].text
                            )
                        )
                    }
                }
                snapshot.triggers.sort { $0.id < $1.id }
                return snapshot
            }
        }
    }

    // MARK: Rows

    /// The control row `request` needs (a job's tick), if it has one.
    static func control(
        for request: LockRequest, _ schema: SQLiteSchema, on connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) -> ControlRules.Row? {
        guard let job = request.run?.job, request.tick != nil else { return nil }
        return try readControl(job, schema, on: connection, context)
    }

    static func readControl(
        _ job: String, _ schema: SQLiteSchema, on connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) -> ControlRules.Row? {
        guard let values = try connection.execute(schema.readControl, [.text(job)], context: context).first else { return nil }
        return try control(values, from: 0, job: job, connection, context)
    }

    static func writeControl(
        _ job: String, _ row: ControlRules.Row, _ schema: SQLiteSchema, on connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) {
        try connection.execute(
            schema.writeControl,
            [
                .text(job), .integer(row.pause?.pausedAt.jobKitEpochMicroseconds), row.pause.map { .text($0.pausedBy) } ?? .null,
                row.pause?.reason.map { .text($0) } ?? .null, .integer(row.skippedTick?.jobKitEpochMicroseconds),
            ],
            context: context
        )
    }

    static func triggerIsClaimed(
        _ id: Int64, _ schema: SQLiteSchema, on connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) -> Bool {
        guard let values = try connection.execute(schema.readTrigger, [.integer(id)], context: context).first else { return true }
        return try trigger(values, connection, context).claimedBy != nil
    }

    /// Reads `paused_at, paused_by, reason, skipped_tick` from `offset`.
    private static func control(
        _ values: [SQLiteValue], from offset: Int, job: String, _ connection: SQLiteConnection, _ context: String
    ) throws(SQLiteError) -> ControlRules.Row {
        guard values.count >= offset + 4 else { throw unexpected("a control row has too few columns", connection, context) }
        var pause: JobPause?
        if let at = values[offset].integer {
            guard let who = values[offset + 1].text else { throw unexpected("a pause has no author", connection, context) }
            pause = JobPause(job: job, reason: values[offset + 2].text, pausedBy: who, pausedAt: Date(epochMicroseconds: at))
        }
        return ControlRules.Row(pause: pause, skippedTick: values[offset + 3].integer.map(Date.init(epochMicroseconds:)))
    }

    private static func trigger(_ values: [SQLiteValue], _ connection: SQLiteConnection, _ context: String) throws(SQLiteError) -> TriggerRequest {
        guard values.count == 7, let id = values[0].integer, let job = values[1].text, let who = values[2].text,
              let at = values[3].integer
        else { throw unexpected("a trigger request has NULL or mistyped columns", connection, context) }
        return TriggerRequest(
            id: id, job: job, requestedBy: who, requestedAt: Date(epochMicroseconds: at), seenBy: values[4].text,
            claimedBy: values[5].text, token: values[6].integer
        )
    }

    private static func now(_ connection: SQLiteConnection, _ schema: SQLiteSchema, _ context: String) throws(SQLiteError) -> Date {
        guard let microseconds = try connection.execute(schema.now, context: context).first?.first?.integer else {
            throw unexpected("SQLite's clock read NULL", connection, context)
        }
        return Date(epochMicroseconds: microseconds)
    }
}
