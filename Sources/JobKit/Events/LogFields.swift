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

    /// A JobKit field and its print position (structs rather than tuples: the compiler copies
    /// them without the runtime's generic tuple witnesses).
    private struct RankedField {
        var rank: Int
        var field: Field
    }

    /// A key of ``LogKeys/printOrder``: where it prints and under which name.
    private struct KnownKey {
        var rank: Int
        var name: String
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
        // Each key is sorted into JobKit's known fields (one dictionary look-up gives its
        // rank and printed name), the event, JobKit-prefixed keys it does not know, and the
        // application's. Without a metadata provider the handler's and the call's metadata are
        // walked in place (a call's key wins) rather than merged into a new dictionary.
        var event: Logger.MetadataValue?
        var jobKit: [RankedField] = []
        var others: [Field] = []
        var unknownJobKitKeys = false
        func place(_ key: String, _ value: Logger.MetadataValue) {
            if key == LogKeys.event {
                event = value
            } else if let known = Self.known[key] {
                jobKit.append(RankedField(rank: known.rank, field: Field(name: known.name, value: value)))
            } else if key.hasPrefix(LogKeys.prefix) {
                unknownJobKitKeys = true
                jobKit.append(RankedField(rank: Int.max, field: Field(name: String(key.dropFirst(LogKeys.prefix.count)), value: value)))
            } else {
                others.append(Field(name: key, value: value))
            }
        }
        let callMetadata = logEvent.metadata
        if let provider {
            var merged = handlerMetadata
            merged.merge(provider.get(), uniquingKeysWith: { _, provided in provided })
            if let callMetadata { merged.merge(callMetadata, uniquingKeysWith: { _, call in call }) }
            jobKit.reserveCapacity(merged.count)
            for (key, value) in merged { place(key, value) }
        } else if let callMetadata {
            jobKit.reserveCapacity(handlerMetadata.count + callMetadata.count)
            for (key, value) in callMetadata { place(key, value) }
            for (key, value) in handlerMetadata where callMetadata[key] == nil { place(key, value) }
        } else {
            jobKit.reserveCapacity(handlerMetadata.count)
            for (key, value) in handlerMetadata { place(key, value) }
        }

        switch event {
        case .string(let name)?: self.event = name
        case let other?: self.event = other.description
        case nil: self.event = nil
        }

        jobKit.sort { $0.rank != $1.rank ? $0.rank < $1.rank : $0.field.name < $1.field.name }
        var fields: [Field] = []
        fields.reserveCapacity(jobKit.count + others.count + 1)
        if !unknownJobKitKeys, others.isEmpty, logEvent.error == nil {
            // Known JobKit names are distinct and none is a line's own key: nothing to rename.
            for ranked in jobKit { fields.append(ranked.field) }
            self.fields = fields
            return
        }
        others.sort { $0.name < $1.name }
        var taken = Self.reservedNames
        func claim(_ name: String, _ value: Logger.MetadataValue) {
            var name = name
            while !taken.insert(name).inserted { name = "_" + name }
            fields.append(Field(name: name, value: value))
        }
        for ranked in jobKit { claim(ranked.field.name, ranked.field.value) }
        if let error = logEvent.error { claim("error", .string(String(describing: error))) }
        for field in others { claim(field.name, field.value) }
        self.fields = fields
    }

    /// JobKit's fields by full key (`jobkit.lock_id`): their print position and printed name.
    private static let known: [String: KnownKey] = {
        var known: [String: KnownKey] = [:]
        for (position, key) in LogKeys.printOrder.enumerated() where known[key] == nil {
            let name = String(key.dropFirst(LogKeys.prefix.count))
            precondition(!reservedNames.contains(name), "LogKeys.\(name) would shadow a line's own key")
            known[key] = KnownKey(rank: position, name: name)
        }
        return known
    }()
}
