import Logging

/// The printable parts of one log record, shared by ``JSONLogHandler`` and ``TextLogHandler``:
/// the event name and the metadata fields under the names they are printed with.
///
/// Metadata is merged handler, then provider, then call (a later source wins a key).
/// `jobkit.`-prefixed keys are printed without the prefix. Names never repeat and never shadow
/// the line's own keys (`ts`, `level`, `event`, `message`): JobKit's fields claim their names
/// first, then the error attached to the record (as `error`), then the application's keys; a
/// field whose name is taken gets `_` prepended until it is free (an application's `lock_id`
/// next to JobKit's becomes `_lock_id`). So a JSON line never has duplicate keys and JobKit's
/// documented fields always mean what the README says.
struct LogFields {
    /// One field: its printed name and its value.
    struct Field {
        var name: String
        var value: Logger.MetadataValue
    }

    /// The names every line prints before the fields.
    static let reservedNames: Set<String> = ["ts", "level", "event", "message"]

    /// The value of `jobkit.event`, if set.
    var event: String?
    /// The fields in print order: JobKit's in ``LogKeys`` order, the record's error, the rest by name.
    var fields: [Field]

    init(
        handlerMetadata: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        event logEvent: LogEvent
    ) {
        var merged = handlerMetadata
        if let provider {
            merged.merge(provider.get(), uniquingKeysWith: { _, provided in provided })
        }
        if let callMetadata = logEvent.metadata {
            merged.merge(callMetadata, uniquingKeysWith: { _, call in call })
        }

        switch merged.removeValue(forKey: LogKeys.event) {
        case .string(let name)?: self.event = name
        case let other?: self.event = other.description
        case nil: self.event = nil
        }

        var jobKit: [(rank: Int, name: String, value: Logger.MetadataValue)] = []
        var others: [(name: String, value: Logger.MetadataValue)] = []
        for (key, value) in merged {
            if key.hasPrefix(LogKeys.prefix) {
                let name = String(key.dropFirst(LogKeys.prefix.count))
                jobKit.append((Self.rank[name] ?? Int.max, name, value))
            } else {
                others.append((key, value))
            }
        }
        jobKit.sort { ($0.rank, $0.name) < ($1.rank, $1.name) }
        others.sort { $0.name < $1.name }

        var taken = Self.reservedNames
        var fields: [Field] = []
        fields.reserveCapacity(merged.count + 1)
        func claim(_ name: String, _ value: Logger.MetadataValue) {
            var name = name
            while !taken.insert(name).inserted { name = "_" + name }
            fields.append(Field(name: name, value: value))
        }
        for field in jobKit { claim(field.name, field.value) }
        if let error = logEvent.error { claim("error", .string(String(describing: error))) }
        for field in others { claim(field.name, field.value) }
        self.fields = fields
    }

    /// Print positions of JobKit's fields by short name: who and what first, then when, then why.
    private static let rank: [String: Int] = {
        var rank: [String: Int] = [:]
        for (position, key) in LogKeys.printOrder.enumerated() {
            let name = String(key.dropFirst(LogKeys.prefix.count))
            if rank[name] == nil { rank[name] = position }
        }
        return rank
    }()
}
