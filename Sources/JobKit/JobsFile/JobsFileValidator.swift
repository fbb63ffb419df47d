import Foundation

/// Checks a parsed jobs file against the format ``JobsFileLoader`` documents, resolves the
/// defaults, and collects every problem rather than stopping at the first.
///
/// When a value is refused, the check goes on as if the key were absent, so one mistake does
/// not hide the next but does not cause echoes either (a refused interval is not compared with
/// the jitter).
struct JobsFileValidator {
    let file: String
    let locator: SourceLocator
    let catalog: any JobTypeCatalog
    /// The problems found so far, in the order found.
    private(set) var problems: [JobsFileProblem] = []
    /// Time zone names already resolved, and what they resolved to.
    var timeZones: [String: Result<TimeZone, TimeZoneNameError>] = [:]

    init(file: String, locator: SourceLocator, catalog: any JobTypeCatalog) {
        self.file = file
        self.locator = locator
        self.catalog = catalog
    }

    /// Checks the whole file and returns its jobs, or nil when there is any problem.
    mutating func validate(_ root: JSONValue) -> JobsFile? {
        guard let members = root.members else {
            report(
                "the top level must be an object such as {\"jobs\": []}, found \(root.kindDescription).",
                at: root.offset,
                scope: .topLevel
            )
            return nil
        }
        let fields = checkKeys(members, allowed: JobsFileKeys.topLevel, scope: .topLevel, container: nil)

        var database: String?
        if let member = fields["database"], let url = string(member.value, field: "database", scope: .topLevel) {
            if url.trimmingCharacters(in: .whitespaces).isEmpty {
                report(
                    "the database URL is empty; remove the key to use the default store.",
                    at: member.value.offset,
                    scope: .topLevel,
                    field: "database"
                )
            } else {
                database = url
            }
        }

        var defaults = JobsFileDefaults()
        if let member = fields["defaults"] {
            defaults = checkDefaults(member.value)
        }

        var entries: [JobsFileEntry] = []
        if let member = fields["jobs"] {
            if case .array(let elements) = member.value.content {
                for (index, element) in elements.enumerated() {
                    entries.append(checkJob(element, number: index + 1, defaults: defaults))
                }
            } else {
                report(
                    "expected an array of jobs, found \(member.value.kindDescription).",
                    at: member.value.offset,
                    scope: .topLevel,
                    field: "jobs"
                )
            }
        } else {
            report(
                "the file has no list of jobs; add one, as in {\"jobs\": []}.",
                at: root.offset,
                scope: .topLevel,
                field: "jobs"
            )
        }
        checkUniqueness(entries)

        guard problems.isEmpty else { return nil }
        return JobsFile(database: database, jobs: entries.compactMap(\.definition))
    }

    /// The problems in file order; those without a place first.
    var sortedProblems: [JobsFileProblem] {
        problems.enumerated()
            .sorted { ($0.element.offset ?? -1, $0.offset) < ($1.element.offset ?? -1, $1.offset) }
            .map(\.element)
    }

    // MARK: Defaults

    private mutating func checkDefaults(_ value: JSONValue) -> JobsFileDefaults {
        var defaults = JobsFileDefaults()
        let scope = JobsFileScope.defaults
        guard let members = value.members else {
            report(
                "expected an object, found \(value.kindDescription).",
                at: value.offset,
                scope: .topLevel,
                field: "defaults"
            )
            return defaults
        }
        let fields = checkKeys(members, allowed: JobsFileKeys.defaults, scope: .topLevel, container: "defaults")
        if let member = fields["ttl"] {
            defaults.ttl = ttl(member.value, scope: scope)
        }
        if let member = fields["jitter"] {
            defaults.jitter = jitter(member.value, scope: scope)
        }
        if let member = fields["grace"] {
            defaults.grace = grace(member.value, scope: scope)
        }
        if let member = fields["catchup"] {
            defaults.catchUp = catchUp(member.value, scope: scope)
        }
        if let member = fields["spread"] {
            defaults.spread = spread(member.value, scope: scope)
        }
        if let member = fields["overlap"] {
            defaults.overlap = overlap(member.value, scope: scope)
        }
        if let member = fields["timezone"] {
            defaults.timeZone = timeZone(member.value, scope: scope)
        }
        return defaults
    }

    // MARK: Across jobs

    /// Names must be unique, and so must lock ids: a lock remembers the last tick it ran, so a
    /// second job on the same lock would find its ticks already taken.
    private mutating func checkUniqueness(_ entries: [JobsFileEntry]) {
        var names: [String: Int] = [:]
        var locks: [String: JobsFileEntry] = [:]
        for entry in entries {
            let number = entry.scope.jobNumber ?? 0
            var nameIsDuplicate = false
            if let name = entry.name {
                if let first = names[name.text] {
                    nameIsDuplicate = true
                    report(
                        "the name \"\(name.text)\" is already used by job #\(first); names must be unique.",
                        at: name.offset,
                        scope: entry.scope,
                        field: "name"
                    )
                } else {
                    names[name.text] = number
                }
            }
            guard let lock = entry.lock else { continue }
            if let first = locks[lock.id] {
                // Two jobs of one name already have one problem; a second says nothing new.
                if nameIsDuplicate && !lock.isExplicit { continue }
                let holder = "job #\(first.scope.jobNumber ?? 0)" + (first.name.map { " \"\($0.text)\"" } ?? "")
                let why = "because a lock remembers the last tick it ran"
                if lock.isExplicit {
                    report(
                        "the lock id \"\(lock.id)\" is already the lock of \(holder); "
                            + "each job needs a lock of its own, \(why).",
                        at: lock.offset,
                        scope: entry.scope,
                        field: "lock"
                    )
                } else {
                    report(
                        "the name \"\(lock.id)\" is also the lock id of \(holder); "
                            + "set \"lock\" to give this job a lock of its own, \(why).",
                        at: lock.offset,
                        scope: entry.scope,
                        field: "name"
                    )
                }
            } else {
                locks[lock.id] = entry
            }
        }
    }

    // MARK: Reporting

    /// Records a problem at `offset`, naming the scope's job and the field (with the scope's
    /// prefix).
    mutating func report(_ message: String, at offset: Int?, scope: JobsFileScope, field: String? = nil) {
        problems.append(
            JobsFileProblem(
                file: file,
                offset: offset,
                locator: nil,  // located by the loader, for the problems it reports
                jobNumber: scope.jobNumber,
                jobName: scope.jobName,
                field: field.map { scope.fieldPrefix + $0 },
                message: message
            )
        )
    }
}
