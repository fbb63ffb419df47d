import JobKit
import Logging
import Synchronization

/// A log handler for tests that keeps every record in memory and lets a test wait for an event.
///
/// ```swift
/// let recorder = EventRecorder()
/// let logger = recorder.logger()
/// // … run the code under test with `logger` …
/// let skipped = try await recorder.waitFor(.jobSkipped)
/// #expect(skipped["reason"] == "lock_held")
/// ```
///
/// Copies share the records (a `Logger` copies its handler), not the level or metadata.
/// Never bootstrap the logging system in tests: build loggers with ``logger(label:)``.
struct EventRecorder: LogHandler {
    /// One logged record, with handler, provider and call metadata merged (call wins).
    struct Record: Sendable, CustomStringConvertible {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata

        /// The record's ``JobEvent``, from `jobkit.event`.
        var event: JobEvent? {
            metadata[LogKeys.event].map { JobEvent(rawValue: Self.text(of: $0)) }
        }

        /// A field's value by its short name (`lock_id` reads `jobkit.lock_id`) or full key.
        func value(_ field: String) -> Logger.MetadataValue? {
            metadata[LogKeys.prefix + field] ?? metadata[field]
        }

        /// A field's value as text (numbers and booleans as their description), or `nil`.
        subscript(_ field: String) -> String? {
            value(field).map(Self.text(of:))
        }

        /// A numeric field as an integer, or `nil` when absent or not an integer.
        func integer(_ field: String) -> Int64? {
            self[field].flatMap { Int64($0) }
        }

        var description: String {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return "[\(level)] \(message) {\(fields.joined(separator: ", "))}"
        }

        private static func text(of value: Logger.MetadataValue) -> String {
            if case .string(let text) = value { return text }
            return value.description
        }
    }

    /// Thrown by ``waitFor(_:timeout:where:)`` when no matching record came in time.
    struct Timeout: Error, CustomStringConvertible {
        var event: JobEvent
        var timeout: Duration
        var seen: [Record]

        var description: String {
            let events = seen.map { $0.event?.rawValue ?? "(no event: \($0.message))" }
            return "Timed out after \(timeout) waiting for event \(event.rawValue); "
                + (events.isEmpty ? "nothing was logged." : "events seen so far: \(events.joined(separator: ", ")).")
        }
    }

    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace
    private let store = Store()

    init() {}

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let metadataProvider { merged.merge(metadataProvider.get()) { _, provided in provided } }
        if let call = event.metadata { merged.merge(call) { _, call in call } }
        store.append(Record(level: event.level, message: event.message.description, metadata: merged))
    }

    /// A logger that records into this recorder.
    func logger(label: String = "test") -> Logger {
        Logger(label: label) { _ in self }
    }

    /// Every record so far, oldest first.
    var records: [Record] { store.records }

    /// The records of one event, oldest first.
    func events(_ name: JobEvent) -> [Record] {
        records.filter { $0.event == name }
    }

    /// The first record of one event, if any.
    func first(_ name: JobEvent) -> Record? {
        records.first { $0.event == name }
    }

    /// The first record of `name` (matching `predicate`), already recorded or still to come.
    ///
    /// Resumes as soon as the record arrives (no polling); throws ``Timeout``, listing the events
    /// seen so far, when none came within `timeout`, and `CancellationError` when cancelled.
    func waitFor(
        _ name: JobEvent,
        timeout: Duration = .seconds(60),
        where predicate: @escaping @Sendable (Record) -> Bool = { _ in true }
    ) async throws -> Record {
        let store = self.store
        return try await withThrowingTaskGroup(of: Record.self) { group in
            group.addTask {
                try await store.wait { $0.event == name && predicate($0) }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Timeout(event: name, timeout: timeout, seen: store.records)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// How many ``waitFor(_:timeout:where:)`` calls are waiting now (lets a test log only once
    /// a waiter is in place).
    var waiterCount: Int { store.waiterCount }
}

extension EventRecorder {
    /// The records and waiters every copy of a recorder shares.
    fileprivate final class Store: Sendable {
        private struct Waiter {
            var matches: @Sendable (Record) -> Bool
            var continuation: CheckedContinuation<Record, any Error>
        }

        private struct State {
            var records: [Record] = []
            var waiters: [Int: Waiter] = [:]
            var cancelled: Set<Int> = []
            var nextID = 0
        }

        private let state = Mutex(State())

        var records: [Record] { state.withLock { $0.records } }
        var waiterCount: Int { state.withLock { $0.waiters.count } }

        func append(_ record: Record) {
            let resumed = state.withLock { state -> [Waiter] in
                state.records.append(record)
                let matching = state.waiters.filter { $0.value.matches(record) }
                for id in matching.keys { state.waiters[id] = nil }
                return Array(matching.values)
            }
            for waiter in resumed { waiter.continuation.resume(returning: record) }
        }

        func wait(for matches: @escaping @Sendable (Record) -> Bool) async throws -> Record {
            let id = state.withLock { state in
                defer { state.nextID += 1 }
                return state.nextID
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let outcome = state.withLock { state -> Result<Record, any Error>? in
                        if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                        if let record = state.records.first(where: matches) { return .success(record) }
                        state.waiters[id] = Waiter(matches: matches, continuation: continuation)
                        return nil
                    }
                    if let outcome { continuation.resume(with: outcome) }
                }
            } onCancel: {
                let waiter = state.withLock { state in
                    let waiter = state.waiters.removeValue(forKey: id)
                    if waiter == nil { state.cancelled.insert(id) }
                    return waiter
                }
                waiter?.continuation.resume(throwing: CancellationError())
            }
        }
    }
}
