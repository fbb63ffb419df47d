import Synchronization

/// Whether a pool's connections prepare the store's statements once per connection (then send
/// only their parameters, sparing the server a parse and a plan per call), and the name each
/// statement is prepared under.
///
/// A statement's name is derived from its text (`jobkit_` and a 64-bit FNV-1a hash), never from
/// a counter: behind a pooler in transaction mode (PgBouncer before 1.21) a name may meet a
/// server connection that another client prepared, and it then names the same text, so "already
/// exists" is an answer to accept. The same pooler may also send the execution to a server
/// connection that never saw the statement (`26000`): the pool then stops preparing for good and
/// sends every statement with its text, as before, so a pooler costs one failed call at most
/// and never a wrong answer.
final class PostgresStatementPreparation: Sendable {
    private let enabled = Atomic<Bool>(true)

    /// Whether statements are prepared.
    var isEnabled: Bool { enabled.load(ordering: .relaxed) }

    /// Stops preparing statements on every connection of the pool.
    func disable() { enabled.store(false, ordering: .relaxed) }

    /// The name `sql` is prepared under.
    static func name(for sql: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "jobkit_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
