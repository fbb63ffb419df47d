import Foundation

/// How long a lock stays valid after it is acquired: its time to live.
///
/// When the TTL passes, the lock counts as expired and another process may take it over,
/// even if the holder is still running; the holder then learns of it through
/// ``DBMutexTimeoutError`` when it releases. The deadline is computed on the store's clock
/// (the database server's), never on the application's.
///
/// ``default`` follows the `DB_MUTEX_TTL_SECONDS` environment variable, the same name as
/// django-db-mutex's setting: a number of seconds, or `none` for locks that never expire.
/// Without it, the TTL is 1800 seconds (30 minutes).
public struct LockTTL: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        case fromEnvironment
        case fixed(Duration?)
    }

    let storage: Storage

    /// The name of the environment variable that sets the default TTL.
    public static let environmentVariable = "DB_MUTEX_TTL_SECONDS"
    /// The TTL used when `DB_MUTEX_TTL_SECONDS` is not set: 30 minutes.
    public static let builtInDefault: Duration = .seconds(1800)

    /// The TTL set by `DB_MUTEX_TTL_SECONDS`, or 30 minutes when it is not set.
    public static let `default` = LockTTL(storage: .fromEnvironment)
    /// Locks that never expire. A holder that dies without releasing keeps the lock until its
    /// heartbeat window passes, or forever when heartbeats are disabled: beware.
    public static let never = LockTTL(storage: .fixed(nil))

    /// A fixed TTL. It must be positive.
    public static func seconds(_ seconds: Int) -> LockTTL {
        LockTTL(storage: .fixed(.seconds(seconds)))
    }

    /// A fixed TTL. It must be positive.
    public static func duration(_ duration: Duration) -> LockTTL {
        LockTTL(storage: .fixed(duration))
    }

    /// The TTL this value stands for, reading the environment for ``default``.
    ///
    /// - Parameter environment: the variables to read instead of the process's own (for tests).
    ///
    /// - Returns: the duration, or `nil` for a lock that never expires.
    /// - Throws: ``LockTTLError`` when `DB_MUTEX_TTL_SECONDS` cannot be read or the TTL is not positive.
    public func resolve(environment: [String: String]? = nil) throws(LockTTLError) -> Duration? {
        let duration: Duration?
        switch storage {
        case .fixed(let fixed):
            duration = fixed
        case .fromEnvironment:
            // One getenv rather than ProcessInfo's whole environment: this runs on every acquire.
            let raw = environment.map { $0[Self.environmentVariable] }
                ?? getenv(Self.environmentVariable).map { String(cString: $0) }
            guard let raw else { return Self.builtInDefault }
            duration = try Self.parseSetting(raw)
        }
        if let duration, duration <= .zero {
            throw LockTTLError(value: "\(duration)", reason: "a TTL must be positive")
        }
        return duration
    }

    /// Parses a `DB_MUTEX_TTL_SECONDS` value: a number of seconds (`90`, `0.5`) or `none`.
    public static func parseSetting(_ raw: String) throws(LockTTLError) -> Duration? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.lowercased() == "none" { return nil }
        guard let seconds = Double(text), seconds.isFinite else {
            throw LockTTLError(
                value: raw,
                reason: "\(environmentVariable) must be a number of seconds or \"none\""
            )
        }
        guard seconds > 0 else {
            throw LockTTLError(value: raw, reason: "\(environmentVariable) must be positive")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    public var description: String {
        switch storage {
        case .fromEnvironment: return "default"
        case .fixed(nil): return "never"
        case .fixed(let duration?): return "\(duration)"
        }
    }
}

/// A TTL that cannot be used: a malformed `DB_MUTEX_TTL_SECONDS` or a TTL that is not positive.
public struct LockTTLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The value as it was given.
    public let value: String
    /// Why it was refused.
    public let reason: String

    public var description: String { "Invalid lock TTL \"\(value)\": \(reason)." }
}
