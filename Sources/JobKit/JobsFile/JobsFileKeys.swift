/// The keys a jobs file allows at each level, in the order messages list them, and the
/// synonyms people reach for, so an unknown key gets a useful `did you mean`.
enum JobsFileKeys {
    /// The keys of the top-level object.
    static let topLevel = ["database", "defaults", "jobs"]
    /// The keys of `defaults`.
    static let defaults = ["ttl", "jitter", "grace", "timezone", "catchup", "spread", "overlap"]
    /// The keys of a job.
    static let job = [
        "name", "type", "every", "cron", "timezone", "ttl", "lock", "jitter", "grace", "catchup", "spread", "overlap",
        "parameters", "enabled",
    ]

    /// Words that are not close in spelling to the key they stand for.
    private static let synonyms: [String: String] = [
        "interval": "every",
        "period": "every",
        "crontab": "cron",
        "tz": "timezone",
        "zone": "timezone",
        "args": "parameters",
        "arguments": "parameters",
        "options": "parameters",
        "disabled": "enabled",
        "kind": "type",
        "id": "name",
        "lockid": "lock",
        "timeout": "ttl",
        "catch_up": "catchup",
        "backfill": "catchup",
        "offset": "spread",
        "splay": "spread",
        "concurrency": "overlap",
        "concurrency_policy": "overlap",
        "concurrencypolicy": "overlap",
    ]

    /// The allowed key `key` most likely stands for, or nil.
    static func suggestion(for key: String, among allowed: [String]) -> String? {
        if let synonym = synonyms[key.lowercased()], allowed.contains(synonym) { return synonym }
        return Suggestions.closest(to: key, among: allowed)
    }
}
