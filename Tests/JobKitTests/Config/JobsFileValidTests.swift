import Foundation
import JobKit
import Testing

/// Valid jobs files and the exact definitions they resolve to: built-in defaults, the file's
/// `defaults`, and a job's own keys, which win.
@Suite struct JobsFileValidTests {
    let loader = JobsFileLoader(catalog: TestJobTypeCatalog())
    static let utc = TimeZone(identifier: "UTC")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    func load(_ json: String) throws -> JobsFile {
        try loader.load(Data(json.utf8), file: "jobs.json")
    }

    @Test func anEmptyListOfJobsIsValid() throws {
        #expect(try load(#"{"jobs": []}"#) == JobsFile(database: nil, jobs: []))
    }

    @Test func builtInDefaultsApply() throws {
        let file = try load(#"{"jobs": [{"name": "a", "type": "report", "every": "5m"}]}"#)
        #expect(
            file.jobs == [
                JobDefinition(
                    name: "a",
                    type: "report",
                    schedule: .every(.seconds(300)),
                    ttl: .default,
                    lockID: "a",
                    jitter: .zero,
                    grace: .seconds(10),
                    parameters: nil,
                    isEnabled: true
                )
            ]
        )
    }

    @Test func aCronJobRunsInUTCUnlessToldOtherwise() throws {
        let file = try load(#"{"jobs": [{"name": "a", "type": "report", "cron": "0 9 * * MON-FRI"}]}"#)
        #expect(file.jobs.map(\.schedule) == [.cron(try CronExpression("0 9 * * 1-5"), Self.utc)])
    }

    @Test func fileDefaultsApplyAndJobKeysWin() throws {
        let file = try load(
            #"""
            {
              "database": "postgres://db.internal/jobs",
              "defaults": {"ttl": "10m", "jitter": "5s", "grace": 30, "timezone": "Europe/Berlin"},
              "jobs": [
                {"name": "inherits", "type": "report", "every": 60},
                {"name": "zone-from-defaults", "type": "report", "cron": "@daily"},
                {
                  "name": "overrides",
                  "type": "report",
                  "cron": "30 2 * * *",
                  "timezone": "America/New_York",
                  "ttl": "none",
                  "lock": "reports/overrides",
                  "jitter": 0,
                  "grace": "1m",
                  "parameters": {"recipients": ["ops@example.com"]},
                  "enabled": false
                }
              ]
            }
            """#
        )
        #expect(file.database == "postgres://db.internal/jobs")
        #expect(
            file.jobs == [
                JobDefinition(
                    name: "inherits",
                    type: "report",
                    schedule: .every(.seconds(60)),
                    ttl: .duration(.seconds(600)),
                    jitter: .seconds(5),
                    grace: .seconds(30)
                ),
                JobDefinition(
                    name: "zone-from-defaults",
                    type: "report",
                    schedule: .cron(try CronExpression("0 0 * * *"), Self.berlin),
                    ttl: .duration(.seconds(600)),
                    jitter: .seconds(5),
                    grace: .seconds(30)
                ),
                JobDefinition(
                    name: "overrides",
                    type: "report",
                    schedule: .cron(try CronExpression("30 2 * * *"), TimeZone(identifier: "America/New_York")!),
                    ttl: .never,
                    lockID: "reports/overrides",
                    jitter: .zero,
                    grace: .seconds(60),
                    parameters: Data(#"{"recipients":["ops@example.com"]}"#.utf8),
                    isEnabled: false
                ),
            ]
        )
        #expect(file.enabledJobs.map(\.name) == ["inherits", "zone-from-defaults"])
    }

    @Test func parametersReachTheJobTypeAsCompactJSON() throws {
        let file = try load(
            #"""
            {"jobs": [{
              "name": "a", "type": "shell", "every": "1m",
              "parameters": {
                "command": ["sh", "-c", "echo \"hi\"\n", "caf\u00e9"],
                "env": {"Z": "last", "A": "first"},
                "timeout": 1.50
              }
            }]}
            """#
        )
        let parameters = try #require(file.jobs.first?.parameters)
        #expect(
            String(decoding: parameters, as: UTF8.self)
                == #"{"command":["sh","-c","echo \"hi\"\n","café"],"env":{"Z":"last","A":"first"},"timeout":1.50}"#
        )
    }

    static let durations: [(String, Duration)] = [
        ("90", .seconds(90)),
        ("0.5", .milliseconds(500)),
        (#""90""#, .seconds(90)),
        (#""90s""#, .seconds(90)),
        (#""5m""#, .seconds(300)),
        (#""1h30m""#, .seconds(5400)),
        (#""250ms""#, .milliseconds(250)),
        (#""365d""#, .seconds(365 * 86_400)),
    ]

    @Test(arguments: durations)
    func durationsReadInEveryForm(json: String, expected: Duration) throws {
        let file = try load(#"{"jobs": [{"name": "a", "type": "report", "every": \#(json)}]}"#)
        #expect(file.jobs.first?.schedule == .every(expected))
    }

    @Test(arguments: [#""none""#, #""None""#, #""NONE""#])
    func noneMeansALockThatNeverExpires(json: String) throws {
        let file = try load(#"{"defaults": {"ttl": \#(json)}, "jobs": [{"name": "a", "type": "report", "every": "1m"}]}"#)
        #expect(file.jobs.first?.ttl == .never)
    }

    @Test func aByteOrderMarkAndWindowsLineEndsAreFine() throws {
        let json = "\u{FEFF}{\r\n  \"jobs\": [{\"name\": \"a\", \"type\": \"report\", \"every\": \"1m\"}]\r\n}\r\n"
        #expect(try load(json).jobs.map(\.name) == ["a"])
    }

    @Test func namesMayHoldAnyPrintableText() throws {
        let file = try load(#"{"jobs": [{"name": "Rapport d\u2019\u00e9t\u00e9 / 🌞", "type": "report", "every": "1m"}]}"#)
        #expect(file.jobs.first?.lockID == "Rapport d’été / 🌞")
    }

    @Test func aDefinitionMadeInCodeUsesItsNameAsLockID() {
        let definition = JobDefinition(name: "backup", type: "shell", schedule: .every(.seconds(60)))
        #expect(definition.lockID == "backup")
        #expect(definition.ttl == .default)
        #expect(definition.grace == JobDefinition.defaultGrace)
        #expect(definition.isEnabled)
    }

    @Test func spreadAndOverlapComeFromDefaultsAndJobKeysWin() throws {
        let file = try load(
            #"""
            {
              "defaults": {"spread": "10m", "overlap": "queue_one"},
              "jobs": [
                {"name": "a", "type": "report", "every": "1h"},
                {"name": "b", "type": "report", "cron": "0 * * * *", "spread": "2h", "overlap": "skip"},
                {"name": "c", "type": "report", "every": "5m", "spread": 0}
              ]
            }
            """#
        )
        #expect(file.jobs.map(\.spread) == [.seconds(600), .seconds(7200), .zero])
        #expect(file.jobs.map(\.overlap) == [.queueOne, .skip, .queueOne])
        #expect(file.jobs.map(\.tickOffset) == [
            SpreadOffset.offset(forJob: "a", spread: .seconds(600)), SpreadOffset.offset(forJob: "b", spread: .seconds(7200)), .zero,
        ])
    }
}
