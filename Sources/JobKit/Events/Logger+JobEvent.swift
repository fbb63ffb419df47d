import Foundation
import Logging

extension Logger {
    /// Logs a structured JobKit event: sets ``LogKeys/event`` and merges `fields`.
    public func jobEvent(
        _ event: JobEvent,
        level: Logger.Level,
        _ message: @autoclosure () -> Logger.Message,
        _ fields: Logger.Metadata = [:],
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        var metadata = fields
        metadata[LogKeys.event] = .string(event.rawValue)
        log(level: level, message(), metadata: metadata, file: file, function: function, line: line)
    }

    /// ``jobEvent(_:level:_:_:file:function:line:)`` for a caller that is done with `fields`:
    /// the event name goes into the caller's dictionary instead of a copy of it.
    func jobEvent(
        _ event: JobEvent, level: Logger.Level, _ message: @autoclosure () -> Logger.Message,
        taking fields: inout Logger.Metadata,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        fields[LogKeys.event] = .string(event.rawValue)
        log(level: level, message(), metadata: fields, file: file, function: function, line: line)
    }
}

extension Logger.MetadataValue {
    /// A number that log handlers print unquoted.
    public static func number(_ value: Int64) -> Logger.MetadataValue { .stringConvertible(value) }
    /// A boolean that log handlers print unquoted.
    public static func bool(_ value: Bool) -> Logger.MetadataValue { .stringConvertible(value) }
    /// A duration in seconds, printed as a number (`1800`, `0.25`).
    public static func seconds(_ value: Duration) -> Logger.MetadataValue {
        let (seconds, attoseconds) = value.components
        if attoseconds == 0 { return .stringConvertible(seconds) }
        return .stringConvertible(value.jobKitTimeInterval)
    }
    /// A date as RFC 3339 with milliseconds.
    public static func date(_ value: Date) -> Logger.MetadataValue { .string(value.jobKitTimestamp) }
}

extension Logger.Metadata {
    /// The fields of a timeout: `overlapped`, `reason` (`expired`, `taken_over` or
    /// `force_released`), `ttl_s`, `expired_at`, and how the lease was lost (``lossFields(_:)``).
    static func timeoutFields(_ timeout: DBMutexTimeoutError) -> Logger.Metadata {
        var fields: Logger.Metadata = [
            LogKeys.overlapped: .bool(timeout.overlapped),
            LogKeys.reason: .string(timeout.reason),
        ]
        if let ttl = timeout.ttl { fields[LogKeys.ttlSeconds] = .seconds(ttl) }
        if let expiredAt = timeout.expiredAt { fields[LogKeys.expiredAt] = .date(expiredAt) }
        if let loss = timeout.loss {
            fields.merge(lossFields(loss)) { _, new in new }
        } else if let holder = timeout.newHolder {
            fields.merge(holderFields(holder)) { _, new in new }
        }
        return fields
    }

    /// The fields that say how a lease was lost: `reason` (`force_released` or `taken_over`),
    /// `force_released_at`, or the holder that took over and `holder_released`.
    static func lossFields(_ loss: LeaseLoss) -> Logger.Metadata {
        var fields: Logger.Metadata = [LogKeys.reason: .string(loss.reason)]
        if let at = loss.forceReleasedAt { fields[LogKeys.forceReleasedAt] = .date(at) }
        if let holder = loss.newHolder {
            fields.merge(holderFields(holder)) { _, new in new }
            fields[LogKeys.holderReleased] = .bool(loss.newHolderReleased)
        }
        return fields
    }

    /// The fields that describe a lock holder: `holder`, `holder_token`, `since`, `until`.
    static func holderFields(_ holder: LockHolder) -> Logger.Metadata {
        var fields: Logger.Metadata = [:]
        fields.addHolderFields(holder)
        return fields
    }

    /// Adds ``holderFields(_:)`` to these fields (the holder's win a key), without a
    /// dictionary of their own.
    mutating func addHolderFields(_ holder: LockHolder) {
        self[LogKeys.holder] = .string(holder.owner)
        self[LogKeys.holderToken] = .number(holder.token)
        self[LogKeys.since] = .date(holder.since)
        if let until = holder.until { self[LogKeys.until] = .date(until) }
    }
}
