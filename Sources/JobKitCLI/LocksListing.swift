import Foundation
import JobKit

/// What `jobkit locks --json` prints: one JSON object.
///
/// ```json
/// {"store":"sqlite:/srv/jobkit.sqlite (table jobkit_locks)","locks":[
///   {"lock_id":"report","status":"held","owner":"vm:4242","token":7,
///    "since":"2026-11-23T03:59:30.480Z","until":"2026-11-23T04:29:30.480Z",
///    "alive_until":"2026-11-23T04:00:00.480Z","released_at":null,"last_tick":"2026-11-23T03:59:30.000Z"}]}
/// ```
///
/// Every lock has every key; an absent time is `null`. `status` is `held`, `released`,
/// `expired` or `dead` (judged on the store's clock); `since` is the last acquisition, `until`
/// its TTL deadline (`null`: never expires), `alive_until` its liveness deadline, and times
/// are RFC 3339 UTC with milliseconds, as in events. Other commands' `--json` follow the same
/// convention: one object, every key always present.
struct LocksListing {
    /// The store, as events name it (never with a password).
    let store: String
    /// The locks, ordered by lock id.
    let locks: [LockState]

    init(store: any LockStore, locks: [LockState]) {
        self.store = store.description
        self.locks = locks
    }

    /// The object as one line of JSON, keys in the documented order.
    var json: String {
        let rows = locks.map { lock in
            Self.object([
                ("lock_id", Self.string(lock.lockID)),
                ("status", Self.string(lock.status.rawValue)),
                ("owner", Self.string(lock.owner)),
                ("token", String(lock.token)),
                ("since", Self.time(lock.acquiredAt)),
                ("until", Self.time(lock.expiresAt)),
                ("alive_until", Self.time(lock.aliveUntil)),
                ("released_at", Self.time(lock.releasedAt)),
                ("last_tick", Self.time(lock.lastTick)),
            ])
        }
        return Self.object([("store", Self.string(store)), ("locks", "[" + rows.joined(separator: ",") + "]")])
    }

    private static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    private static func time(_ date: Date?) -> String {
        date.map { string($0.jobKitTimestamp) } ?? "null"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    private static func string(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                output += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
