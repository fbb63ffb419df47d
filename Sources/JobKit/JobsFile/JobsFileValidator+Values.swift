import Foundation

/// Readers for the values of a jobs file. Each returns the value, or reports what is wrong and
/// returns nil.
extension JobsFileValidator {
    /// The longest duration a jobs file accepts: 365 days, far beyond any sensible interval or
    /// TTL, and far from overflowing when later code counts in microseconds.
    static let longestDuration: Duration = .seconds(365 * 86_400)
    /// The shortest grace period: a timer may fire a little late, and a grace of less than a
    /// second would turn that lateness into a misfire.
    static let shortestGrace: Duration = .seconds(1)

    // MARK: Keys

    /// Reports duplicate and unknown keys of an object, and returns the first member for each
    /// allowed key.
    ///
    /// - Parameter container: The field that holds the object (`defaults`), named in the
    ///   problems; nil for the top level and a job.
    mutating func checkKeys(
        _ members: [JSONValue.Member],
        allowed: [String],
        scope: JobsFileScope,
        container: String?
    ) -> [String: JSONValue.Member] {
        var fields: [String: JSONValue.Member] = [:]
        var seen: [String: Int] = [:]
        for member in members {
            if let first = seen[member.key] {
                report(
                    "duplicate key \"\(JSONValue.abbreviated(member.key))\"; the first is at \(locator.describe(first)).",
                    at: member.keyOffset,
                    scope: scope,
                    field: container
                )
                continue
            }
            seen[member.key] = member.keyOffset
            if allowed.contains(member.key) {
                fields[member.key] = member
            } else {
                report(
                    unknownKeyMessage(member.key, allowed: allowed, container: container, scope: scope),
                    at: member.keyOffset,
                    scope: scope,
                    field: container
                )
            }
        }
        return fields
    }

    private func unknownKeyMessage(
        _ key: String,
        allowed: [String],
        container: String?,
        scope: JobsFileScope
    ) -> String {
        let shown = JSONValue.abbreviated(key)
        if let suggestion = JobsFileKeys.suggestion(for: key, among: allowed) {
            return "unknown key \"\(shown)\"; did you mean \"\(suggestion)\"?"
        }
        let owner: String
        if let container {
            owner = "the keys of \"\(container)\" are"
        } else if scope.jobNumber != nil {
            owner = "the keys of a job are"
        } else {
            owner = "the keys at the top level are"
        }
        return "unknown key \"\(shown)\"; \(owner) \(Suggestions.list(allowed))."
    }

    /// Reports duplicate keys anywhere inside `value` (the job's `parameters`), naming the
    /// path to each, such as `parameters.env`.
    mutating func checkDuplicateKeys(in value: JSONValue, path: String, scope: JobsFileScope) {
        switch value.content {
        case .object(let members):
            var seen: [String: Int] = [:]
            for member in members {
                if let first = seen[member.key] {
                    report(
                        "duplicate key \"\(JSONValue.abbreviated(member.key))\"; "
                            + "the first is at \(locator.describe(first)).",
                        at: member.keyOffset,
                        scope: scope,
                        field: path
                    )
                } else {
                    seen[member.key] = member.keyOffset
                }
                checkDuplicateKeys(in: member.value, path: path + "." + member.key, scope: scope)
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                checkDuplicateKeys(in: element, path: path + "[\(index)]", scope: scope)
            }
        default:
            break
        }
    }

    // MARK: Scalars

    /// A string, or nil after reporting the value found instead.
    mutating func string(_ value: JSONValue, field: String, scope: JobsFileScope) -> String? {
        if case .string(let text) = value.content { return text }
        report("expected a string, found \(value.kindDescription).", at: value.offset, scope: scope, field: field)
        return nil
    }

    /// `true` or `false`, or nil after reporting the value found instead.
    mutating func bool(_ value: JSONValue, field: String, scope: JobsFileScope) -> Bool? {
        if case .bool(let flag) = value.content { return flag }
        report("expected true or false, found \(value.kindDescription).", at: value.offset, scope: scope, field: field)
        return nil
    }

    // MARK: Durations

    /// A duration of at most ``longestDuration``, with its value as written (`"90s"` quoted,
    /// `90` not) for the caller's messages; or nil after reporting what is wrong.
    mutating func duration(
        _ value: JSONValue,
        field: String,
        scope: JobsFileScope,
        expected: String = "a duration (a number of seconds or a text such as \"90s\")"
    ) -> (duration: Duration, shown: String)? {
        let parsed: Duration
        let shown: String
        do {
            switch value.content {
            case .string(let text):
                shown = "\"\(JSONValue.abbreviated(text))\""
                parsed = try DurationText.parse(text)
            case .number(let literal):
                shown = literal
                parsed = try DurationText(seconds: Double(literal) ?? .nan).duration
            default:
                report(
                    "expected \(expected), found \(value.kindDescription).",
                    at: value.offset,
                    scope: scope,
                    field: field
                )
                return nil
            }
        } catch {
            report(error.description, at: value.offset, scope: scope, field: field)
            return nil
        }
        guard parsed <= Self.longestDuration else {
            report(
                "\(shown) is too long: the limit is \(Self.longestDuration.jobKitText).",
                at: value.offset,
                scope: scope,
                field: field
            )
            return nil
        }
        return (parsed, shown)
    }

    /// The interval of an `every` schedule: more than zero.
    mutating func interval(_ value: JSONValue, scope: JobsFileScope) -> Duration? {
        guard let (interval, shown) = duration(value, field: "every", scope: scope) else { return nil }
        guard interval > .zero else {
            report(
                "\(shown) is not an interval: it must be more than zero.",
                at: value.offset,
                scope: scope,
                field: "every"
            )
            return nil
        }
        return interval
    }

    /// A TTL: `"none"` (in any case) for a lock that never expires, else a duration of more
    /// than zero.
    mutating func ttl(_ value: JSONValue, scope: JobsFileScope) -> LockTTL? {
        let never = "write \"none\" for a lock that never expires"
        if case .string(let text) = value.content {
            if text.lowercased() == "none" { return .never }
            if !text.isEmpty, !text.contains(where: \.isNumber) {
                report(
                    "\"\(JSONValue.abbreviated(text))\" is neither a duration nor \"none\"; "
                        + "write a duration such as \"30m\", or \"none\" for a lock that never expires.",
                    at: value.offset,
                    scope: scope,
                    field: "ttl"
                )
                return nil
            }
        }
        let expected = "a duration (a number of seconds or a text such as \"90s\") or \"none\""
        guard let (ttl, shown) = duration(value, field: "ttl", scope: scope, expected: expected) else { return nil }
        guard ttl > .zero else {
            report(
                "\(shown) is not a TTL: it must be more than zero; \(never).",
                at: value.offset,
                scope: scope,
                field: "ttl"
            )
            return nil
        }
        return .duration(ttl)
    }

    /// A jitter: zero or more.
    mutating func jitter(_ value: JSONValue, scope: JobsFileScope) -> Duration? {
        duration(value, field: "jitter", scope: scope)?.duration
    }

    /// A spread: zero or more (the duration parser keeps whole milliseconds, the unit of its
    /// offset, see ``SpreadOffset``).
    mutating func spread(_ value: JSONValue, scope: JobsFileScope) -> Duration? {
        duration(value, field: "spread", scope: scope)?.duration
    }

    /// An `overlap` policy (`"skip"` or `"queue_one"`), or nil after reporting what is wrong,
    /// with a did-you-mean for a near miss.
    mutating func overlap(_ value: JSONValue, scope: JobsFileScope) -> OverlapPolicy? {
        policy(value, field: "overlap", kind: "an overlap policy", names: OverlapPolicy.names, scope: scope, OverlapPolicy.init(name:))
    }

    /// A grace period: at least ``shortestGrace``.
    mutating func grace(_ value: JSONValue, scope: JobsFileScope) -> Duration? {
        guard let (grace, shown) = duration(value, field: "grace", scope: scope) else { return nil }
        guard grace >= Self.shortestGrace else {
            report(
                "\(shown) is too short for a grace period: it must be at least \(Self.shortestGrace.jobKitText), "
                    + "so that a timer that fires a little late still runs its tick.",
                at: value.offset,
                scope: scope,
                field: "grace"
            )
            return nil
        }
        return grace
    }

    /// A `catchup` policy (`"latest"` or `"none"`), or nil after reporting what is wrong, with
    /// a did-you-mean for a near miss.
    mutating func catchUp(_ value: JSONValue, scope: JobsFileScope) -> CatchUp? {
        policy(value, field: "catchup", kind: "a catch-up policy", names: CatchUp.names, scope: scope, CatchUp.init(name:))
    }

    /// A policy named by a string in `field` (one of `names`), or nil after reporting what is
    /// wrong: `kind` says what it should have been, with a did-you-mean for a near miss.
    private mutating func policy<Policy>(
        _ value: JSONValue, field: String, kind: String, names: [String], scope: JobsFileScope,
        _ make: (String) -> Policy?
    ) -> Policy? {
        guard let text = string(value, field: field, scope: scope) else { return nil }
        if let policy = make(text) { return policy }
        let choices = names.map { "\"\($0)\"" }.joined(separator: " or ")
        var message = "\"\(JSONValue.abbreviated(text))\" is not \(kind); use \(choices)."
        if let suggestion = Suggestions.closest(to: text.lowercased(), among: names) {
            message = "\"\(JSONValue.abbreviated(text))\" is not \(kind); did you mean \"\(suggestion)\"? Use \(choices)."
        }
        report(message, at: value.offset, scope: scope, field: field)
        return nil
    }

    // MARK: Names

    /// A time zone named the way ``TimeZoneName`` accepts. Each name is resolved once per file,
    /// so thousands of jobs with the same misspelt zone search for a suggestion once.
    mutating func timeZone(_ value: JSONValue, scope: JobsFileScope) -> TimeZone? {
        guard let name = string(value, field: "timezone", scope: scope) else { return nil }
        let resolved: Result<TimeZone, TimeZoneNameError>
        if let known = timeZones[name] {
            resolved = known
        } else {
            resolved = Result { () throws(TimeZoneNameError) in try TimeZoneName.resolve(name) }
            timeZones[name] = resolved
        }
        switch resolved {
        case .success(let zone):
            return zone
        case .failure(let error):
            report(error.message, at: value.offset, scope: scope, field: "timezone")
            return nil
        }
    }

    /// What is wrong with a lock id (`what` is `the name` or `the lock id`), or nil when it
    /// keeps the rules of ``LockID``.
    func lockIDProblem(_ id: String, what: String, limitReason: String = "") -> String? {
        do {
            try LockID.validate(id)
        } catch {
            switch error.problem {
            case .empty:
                return "\(what) is empty."
            case .tooLong(let length):
                return "\(what) is \(length) characters long; the limit is \(LockID.maximumLength)\(limitReason)."
            case .containsNUL:
                return "\(what) contains a NUL character, which a database cannot store."
            }
        }
        return nil
    }
}
