import Foundation

/// The check of one job of a jobs file.
extension JobsFileValidator {
    /// Checks the job at position `number` (from 1) and resolves it against `defaults`.
    mutating func checkJob(_ value: JSONValue, number: Int, defaults: JobsFileDefaults) -> JobsFileEntry {
        var entry = JobsFileEntry(scope: .job(number))
        guard let members = value.members else {
            report("expected an object, found \(value.kindDescription).", at: value.offset, scope: entry.scope)
            return entry
        }
        // The name first, so that every other problem of the job can name it.
        let nameMember = members.first { $0.key == "name" }
        if let nameMember, let name = jobName(nameMember.value, scope: entry.scope) {
            entry.scope.jobName = name
            entry.name = (name, nameMember.value.offset)
        }
        let scope = entry.scope
        let fields = checkKeys(members, allowed: JobsFileKeys.job, scope: scope, container: nil)
        if nameMember == nil {
            report("the job has no name; every job needs a unique one.", at: value.offset, scope: scope, field: "name")
        }

        let type = jobType(fields["type"], jobOffset: value.offset, scope: scope)
        let schedule = self.schedule(fields, jobOffset: value.offset, defaults: defaults, scope: scope)

        // A refused value leaves the default in place: the file has a problem, so no definition
        // is returned, and the checks that follow do not echo it.
        var ttl = defaults.ttl ?? .default
        if let member = fields["ttl"], let value = self.ttl(member.value, scope: scope) {
            ttl = value
        }

        var lockID = entry.name?.text
        if let member = fields["lock"] {
            lockID = nil
            if let id = string(member.value, field: "lock", scope: scope) {
                if let problem = lockIDProblem(id, what: "the lock id") {
                    report(problem, at: member.value.offset, scope: scope, field: "lock")
                } else {
                    lockID = id
                    entry.lock = (id, member.value.offset, true)
                }
            }
        } else if let name = entry.name {
            entry.lock = (name.text, name.offset, false)
        }

        var jitter = defaults.jitter ?? .zero
        var jitterIsKnown = true
        if let member = fields["jitter"] {
            if let value = self.jitter(member.value, scope: scope) { jitter = value } else { jitterIsKnown = false }
        }
        if jitterIsKnown, let schedule, case .every(let interval) = schedule.value, jitter >= interval {
            if let member = fields["jitter"] {
                report(
                    "\(jitter.jobKitText) is too long for a jitter: it must be shorter than the interval, "
                        + "\(interval.jobKitText).",
                    at: member.value.offset,
                    scope: scope,
                    field: "jitter"
                )
            } else {
                report(
                    "the interval \(interval.jobKitText) must be longer than the jitter \(jitter.jobKitText) "
                        + "from \"defaults\"; set a shorter \"jitter\" for this job.",
                    at: schedule.offset,
                    scope: scope,
                    field: "every"
                )
            }
        }

        let spread = checkSpread(fields, schedule: schedule, defaults: defaults, scope: scope)

        var overlap = defaults.overlap ?? .skip
        if let member = fields["overlap"], let value = self.overlap(member.value, scope: scope) {
            overlap = value
        }

        var grace = defaults.grace ?? JobDefinition.defaultGrace
        if let member = fields["grace"], let value = self.grace(member.value, scope: scope) {
            grace = value
        }

        var catchUp = defaults.catchUp ?? .latest
        if let member = fields["catchup"], let value = self.catchUp(member.value, scope: scope) {
            catchUp = value
        }

        var parameters: Data?
        let parametersAreValid = checkParameters(
            fields["parameters"],
            type: type,
            jobOffset: value.offset,
            scope: scope,
            data: &parameters
        )

        var isEnabled = true
        if let member = fields["enabled"], let value = bool(member.value, field: "enabled", scope: scope) {
            isEnabled = value
        }

        if parametersAreValid, let name = entry.name?.text, let type, let schedule, let lockID {
            entry.definition = JobDefinition(
                name: name,
                type: type,
                schedule: schedule.value,
                ttl: ttl,
                lockID: lockID,
                jitter: jitter,
                grace: grace,
                parameters: parameters,
                isEnabled: isEnabled,
                catchUp: catchUp,
                spread: spread,
                overlap: overlap
            )
        }
        return entry
    }

    // MARK: Fields

    /// The job's spread (its own, else the default's), which must be shorter than the interval
    /// of an `every` schedule: a longer one would move ticks past the next ones.
    private mutating func checkSpread(
        _ fields: [String: JSONValue.Member],
        schedule: (value: Schedule, offset: Int)?,
        defaults: JobsFileDefaults,
        scope: JobsFileScope
    ) -> Duration {
        var spread = defaults.spread ?? .zero
        if let member = fields["spread"] {
            guard let value = self.spread(member.value, scope: scope) else { return .zero }
            spread = value
        }
        guard spread > .zero, let schedule, case .every(let interval) = schedule.value, spread >= interval else {
            return spread
        }
        if let member = fields["spread"] {
            report(
                "\(spread.jobKitText) is too long for a spread: it must be shorter than the interval, "
                    + "\(interval.jobKitText).",
                at: member.value.offset,
                scope: scope,
                field: "spread"
            )
        } else {
            report(
                "the interval \(interval.jobKitText) must be longer than the spread \(spread.jobKitText) "
                    + "from \"defaults\"; set a shorter \"spread\" for this job.",
                at: schedule.offset,
                scope: scope,
                field: "every"
            )
        }
        return .zero
    }

    /// A valid name: a lock id (a name is the default lock id) that is a plain line of text.
    private mutating func jobName(_ value: JSONValue, scope: JobsFileScope) -> String? {
        guard let name = string(value, field: "name", scope: scope) else { return nil }
        let problem: String?
        if let lockProblem = lockIDProblem(
            name,
            what: "the name",
            limitReason: ", because a name is the default lock id"
        ) {
            problem = lockProblem
        } else if let control = name.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            problem =
                "the name contains the control character U+\(JSONParser.hex4(control.value)); "
                + "a name is one line of plain text."
        } else if let first = name.unicodeScalars.first, let last = name.unicodeScalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        {
            problem = "the name \"\(JSONValue.abbreviated(name))\" starts or ends with white space; remove it."
        } else {
            problem = nil
        }
        if let problem {
            report(problem, at: value.offset, scope: scope, field: "name")
            return nil
        }
        return name
    }

    /// A type the catalog knows.
    private mutating func jobType(_ member: JSONValue.Member?, jobOffset: Int, scope: JobsFileScope) -> String? {
        let known = catalog.typeNames.sorted()
        let knownList =
            known.isEmpty ? "no job types are registered." : "known types: \(known.joined(separator: ", "))."
        guard let member else {
            report("the job has no type; \(knownList)", at: jobOffset, scope: scope, field: "type")
            return nil
        }
        guard let type = string(member.value, field: "type", scope: scope) else { return nil }
        if known.contains(type) { return type }
        var message = type.isEmpty ? "the type is empty" : "unknown type \"\(JSONValue.abbreviated(type))\""
        if !type.isEmpty, let suggestion = Suggestions.closest(to: type, among: known) {
            message += "; did you mean \"\(suggestion)\"? \(knownList)"
        } else {
            message += "; \(knownList)"
        }
        report(message, at: member.value.offset, scope: scope, field: "type")
        return nil
    }

    /// Exactly one of `every` and `cron`, with `timezone` only beside `cron`. Returns the
    /// schedule and where it is written.
    private mutating func schedule(
        _ fields: [String: JSONValue.Member],
        jobOffset: Int,
        defaults: JobsFileDefaults,
        scope: JobsFileScope
    ) -> (value: Schedule, offset: Int)? {
        let every = fields["every"]
        let cron = fields["cron"]
        let interval = every.flatMap { self.interval($0.value, scope: scope) }

        var zone = defaults.timeZone ?? TimeZone(identifier: "UTC") ?? .gmt
        var zoneIsValid = true
        if let member = fields["timezone"] {
            if cron == nil, every != nil {
                report(
                    "a time zone applies only to a \"cron\" schedule; \"every\" ticks are counted from the "
                        + "Unix epoch, the same in every zone.",
                    at: member.value.offset,
                    scope: scope,
                    field: "timezone"
                )
                zoneIsValid = false
            } else if let resolved = timeZone(member.value, scope: scope) {
                zone = resolved
            } else {
                zoneIsValid = false
            }
        }
        let expression = cron.flatMap { cronExpression($0.value, scope: scope) }

        switch (every, cron) {
        case (let every?, let cron?):
            report(
                "the job has both \"every\" and \"cron\"; keep one of them.",
                at: max(every.keyOffset, cron.keyOffset),
                scope: scope
            )
            return nil
        case (nil, nil):
            report(
                "the job has neither \"every\" nor \"cron\"; "
                    + "add one, as in \"every\": \"5m\" or \"cron\": \"0 * * * *\".",
                at: jobOffset,
                scope: scope
            )
            return nil
        case (let every?, nil):
            guard let interval, zoneIsValid else { return nil }
            let schedule = Schedule.every(interval)
            do {
                try schedule.validate()
            } catch {
                report(error.description, at: every.value.offset, scope: scope, field: "every")
                return nil
            }
            return (schedule, every.value.offset)
        case (nil, let cron?):
            guard let expression, zoneIsValid else { return nil }
            return (.cron(expression, zone), cron.value.offset)
        }
    }

    /// A cron expression that fires at least once.
    private mutating func cronExpression(_ value: JSONValue, scope: JobsFileScope) -> CronExpression? {
        guard let text = string(value, field: "cron", scope: scope) else { return nil }
        let expression: CronExpression
        do {
            expression = try CronExpression(text)
        } catch {
            report(error.description, at: value.offset, scope: scope, field: "cron")
            return nil
        }
        // 2000-01-01T00:00:00Z: any instant would do, since the search spans 400 years.
        let reference = Date(timeIntervalSince1970: 946_684_800)
        guard expression.next(after: reference, in: TimeZone(identifier: "UTC") ?? .gmt) != nil else {
            report(
                "cron \"\(expression.text)\" never fires: no date matches all of its fields.",
                at: value.offset,
                scope: scope,
                field: "cron"
            )
            return nil
        }
        return expression
    }

    /// Sets `data` to the parameters as compact JSON (nil for a job without parameters) and
    /// returns whether they are valid: an object without duplicate keys that the catalog accepts
    /// for the job's type.
    private mutating func checkParameters(
        _ member: JSONValue.Member?,
        type: String?,
        jobOffset: Int,
        scope: JobsFileScope,
        data: inout Data?
    ) -> Bool {
        var offset = jobOffset
        if let member {
            guard case .object = member.value.content else {
                report(
                    "expected an object, found \(member.value.kindDescription).",
                    at: member.value.offset,
                    scope: scope,
                    field: "parameters"
                )
                return false
            }
            let before = problems.count
            checkDuplicateKeys(in: member.value, path: "parameters", scope: scope)
            guard problems.count == before else { return false }
            data = Data(member.value.compactJSON.utf8)
            offset = member.value.offset
        }
        guard let type else { return false }
        let found = catalog.validateParameters(type: type, parameters: data, jobName: scope.jobName ?? "")
        for problem in found {
            // One problem per line, whatever the catalog wrote.
            let line = problem.split(whereSeparator: \.isNewline).joined(separator: " ")
            report(line, at: offset, scope: scope, field: "parameters")
        }
        return found.isEmpty
    }
}
