import Foundation
import JobKit
import Testing

/// Malformed jobs files and the exact report of each: file, line and column, job (number and
/// name), field, and a message that says what to write instead. Positions were computed
/// independently of the parser, from the text of each file.
@Suite struct JobsFileErrorTests {
    static let malformed: [MalformedJobsFile] = [
        MalformedJobsFile(
            "unterminated string",
            #"""
            {
              "jobs": [
                {"name": "nightly-report}
              ]
            }

            """#,
            #"jobs.json:3:14: invalid JSON: unterminated string; the line ends before its closing quote."#
        ),
        MalformedJobsFile(
            "trailing comma in an object",
            #"""
            {
              "jobs": [
                {"name": "a", "type": "shell", "every": "5m",}
              ]
            }

            """#,
            #"jobs.json:3:49: invalid JSON: trailing comma before "}"; remove it."#
        ),
        MalformedJobsFile(
            "trailing comma in an array",
            #"""
            {"jobs": [
              {"name": "a", "type": "shell", "every": "5m"},
            ]}

            """#,
            #"jobs.json:2:48: invalid JSON: trailing comma before "]"; remove it."#
        ),
        MalformedJobsFile(
            "missing closing brace",
            #"""
            {
              "jobs": [
                {"name": "a", "type": "shell", "every": "5m"}
              ]

            """#,
            #"jobs.json:5:1: invalid JSON: the file ends before the object that starts at line 1, column 1 is closed; add "}"."#
        ),
        MalformedJobsFile(
            "missing comma",
            #"""
            {
              "jobs": [
                {"name": "a"
                 "type": "shell"}
              ]
            }

            """#,
            #"jobs.json:4:6: invalid JSON: expected "," or "}" in the object that starts at line 3, column 5, found a double quote; is a comma missing?"#
        ),
        MalformedJobsFile(
            "bracket closes an object",
            #"""
            {
              "jobs": [
                {"name": "a", "type": "shell", "every": "5m"]
            }

            """#,
            #"jobs.json:3:49: invalid JSON: expected "," or "}" in the object that starts at line 3, column 5, found "]"."#
        ),
        MalformedJobsFile(
            "comment",
            #"""
            {
              // the jobs
              "jobs": []
            }

            """#,
            #"jobs.json:2:3: invalid JSON: JSON has no comments."#
        ),
        MalformedJobsFile(
            "unquoted duration",
            #"{"jobs": [{"name": "a", "type": "shell", "every": 5m}]}"#,
            #"jobs.json:1:51: invalid JSON: 5m is not a JSON value; a duration with a unit is a string, so write "5m"."#
        ),
        MalformedJobsFile(
            "single quotes",
            #"{"jobs": [{"name": 'a'}]}"#,
            #"jobs.json:1:20: invalid JSON: JSON strings need double quotes, not single quotes."#
        ),
        MalformedJobsFile(
            "capitalised literal",
            #"{"jobs": [{"name": "a", "enabled": True}]}"#,
            #"jobs.json:1:36: invalid JSON: True is not a JSON value; write true in lower case."#
        ),
        MalformedJobsFile(
            "content after the top-level value",
            #"""
            {"jobs": []}
            }

            """#,
            #"jobs.json:2:1: invalid JSON: unexpected "}" after the end of the top-level value."#
        ),
        MalformedJobsFile(
            "empty file",
            "  \n",
            #"jobs.json:2:1: invalid JSON: the file is empty; a jobs file is a JSON object such as {"jobs": []}."#
        ),
        MalformedJobsFile(
            "raw tab in a string",
            #"{"jobs": [{"name": "tab\#there"}]}"#,
            #"jobs.json:1:24: invalid JSON: a string cannot hold a raw tab; write \t."#
        ),
        MalformedJobsFile(
            "top level is an array",
            #"[{"name": "a", "type": "shell", "every": "5m"}]"# + "\n",
            #"jobs.json:1:1: the top level must be an object such as {"jobs": []}, found an array."#
        ),
        MalformedJobsFile(
            "jobs missing",
            #"""
            {
              "defaults": {"ttl": "5m"}
            }

            """#,
            #"jobs.json:1:1: field "jobs": the file has no list of jobs; add one, as in {"jobs": []}."#
        ),
        MalformedJobsFile(
            "jobs not an array",
            #"{"jobs": {"name": "a", "type": "shell", "every": "5m"}}"#,
            #"jobs.json:1:10: field "jobs": expected an array of jobs, found an object."#
        ),
        MalformedJobsFile(
            "a job not an object",
            #"{"jobs": [{"name": "a", "type": "report", "every": "5m"}, "b"]}"#,
            #"jobs.json:1:59: job #2: expected an object, found the string "b"."#
        ),
        MalformedJobsFile(
            "missing name",
            #"{"jobs": [{"type": "report", "every": "5m"}]}"#,
            #"jobs.json:1:11: job #1: field "name": the job has no name; every job needs a unique one."#
        ),
        MalformedJobsFile(
            "missing type",
            #"{"jobs": [{"name": "nightly-report", "every": "5m"}]}"#,
            #"jobs.json:1:11: job #1 "nightly-report": field "type": the job has no type; known types: report, shell."#
        ),
        MalformedJobsFile(
            "both every and cron",
            #"{"jobs": [{"name": "a", "type": "report", "every": "5m", "cron": "@hourly"}]}"#,
            #"jobs.json:1:58: job #1 "a": the job has both "every" and "cron"; keep one of them."#
        ),
        MalformedJobsFile(
            "neither every nor cron",
            #"{"jobs": [{"name": "a", "type": "report"}]}"#,
            #"jobs.json:1:11: job #1 "a": the job has neither "every" nor "cron"; add one, as in "every": "5m" or "cron": "0 * * * *"."#
        ),
        MalformedJobsFile(
            "zero interval",
            #"{"jobs": [{"name": "a", "type": "report", "every": "0s"}]}"#,
            #"jobs.json:1:52: job #1 "a": field "every": "0s" is not an interval: it must be more than zero."#
        ),
        MalformedJobsFile(
            "zero interval as a number",
            #"{"jobs": [{"name": "a", "type": "report", "every": 0}]}"#,
            #"jobs.json:1:52: job #1 "a": field "every": 0 is not an interval: it must be more than zero."#
        ),
        MalformedJobsFile(
            "negative interval",
            #"{"jobs": [{"name": "a", "type": "report", "every": -5}]}"#,
            #"jobs.json:1:52: job #1 "a": field "every": -5 is not a duration: it is negative; a duration is zero or more."#
        ),
        MalformedJobsFile(
            "negative interval as text",
            #"{"jobs": [{"name": "a", "type": "report", "every": "-1m"}]}"#,
            #"jobs.json:1:52: job #1 "a": field "every": "-1m" is not a duration: it is negative; a duration is zero or more."#
        ),
        MalformedJobsFile(
            "unknown unit",
            #"""
            {
              "jobs": [
                {"name": "backup", "type": "report", "every": "1h"},
                {"name": "nightly-report", "type": "report", "every": "5x"}
              ]
            }

            """#,
            #"jobs.json:4:59: job #2 "nightly-report": field "every": "5x" is not a duration: unknown unit "x"; use ms, s, m, h or d, as in "90s", "5m" or "1h30m"."#
        ),
        MalformedJobsFile(
            "interval too long",
            #"{"jobs": [{"name": "a", "type": "report", "every": "400d"}]}"#,
            #"jobs.json:1:52: job #1 "a": field "every": "400d" is too long: the limit is 365d."#
        ),
        MalformedJobsFile(
            "zero TTL",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "ttl": 0}]}"#,
            #"jobs.json:1:65: job #1 "a": field "ttl": 0 is not a TTL: it must be more than zero; write "none" for a lock that never expires."#
        ),
        MalformedJobsFile(
            "TTL word",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "ttl": "forever"}]}"#,
            #"jobs.json:1:65: job #1 "a": field "ttl": "forever" is neither a duration nor "none"; write a duration such as "30m", or "none" for a lock that never expires."#
        ),
        MalformedJobsFile(
            "grace below a second",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "grace": "500ms"}]}"#,
            #"jobs.json:1:67: job #1 "a": field "grace": "500ms" is too short for a grace period: it must be at least 1s, so that a timer that fires a little late still runs its tick."#
        ),
        MalformedJobsFile(
            "jitter not below the interval",
            #"{"jobs": [{"name": "a", "type": "report", "every": "30s", "jitter": "30s"}]}"#,
            #"jobs.json:1:69: job #1 "a": field "jitter": 30s is too long for a jitter: it must be shorter than the interval, 30s."#
        ),
        MalformedJobsFile(
            "default jitter not below the interval",
            #"""
            {
              "defaults": {"jitter": "2m"},
              "jobs": [{"name": "a", "type": "report", "every": "1m"}]
            }

            """#,
            #"jobs.json:3:53: job #1 "a": field "every": the interval 1m must be longer than the jitter 2m from "defaults"; set a shorter "jitter" for this job."#
        ),
        MalformedJobsFile(
            "refused jitter is not compared with the interval",
            #"""
            {
              "defaults": {"jitter": "2m"},
              "jobs": [{"name": "a", "type": "report", "every": "1m", "jitter": "5x"}]
            }

            """#,
            #"jobs.json:3:69: job #1 "a": field "jitter": "5x" is not a duration: unknown unit "x"; use ms, s, m, h or d, as in "90s", "5m" or "1h30m"."#
        ),
        MalformedJobsFile(
            "spread not below the interval",
            #"{"jobs": [{"name": "a", "type": "report", "every": "30s", "spread": "30s"}]}"#,
            #"jobs.json:1:69: job #1 "a": field "spread": 30s is too long for a spread: it must be shorter than the interval, 30s."#
        ),
        MalformedJobsFile(
            "default spread not below the interval",
            #"""
            {
              "defaults": {"spread": "2m"},
              "jobs": [{"name": "a", "type": "report", "every": "1m"}]
            }

            """#,
            #"jobs.json:3:53: job #1 "a": field "every": the interval 1m must be longer than the spread 2m from "defaults"; set a shorter "spread" for this job."#
        ),
        MalformedJobsFile(
            "negative spread",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "spread": -5}]}"#,
            #"jobs.json:1:68: job #1 "a": field "spread": -5 is not a duration: it is negative; a duration is zero or more."#
        ),
        MalformedJobsFile(
            "malformed spread",
            #"{"jobs": [{"name": "a", "type": "report", "cron": "0 * * * *", "spread": "10 minutes"}]}"#,
            #"jobs.json:1:74: job #1 "a": field "spread": "10 minutes" is not a duration: it contains a space; write the parts together, as in "1h30m"."#
        ),
        MalformedJobsFile(
            "spread finer than a millisecond",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "spread": 0.0005}]}"#,
            #"jobs.json:1:68: job #1 "a": field "spread": 0.0005 is not a duration: it is finer than a millisecond, the smallest step JobKit keeps."#
        ),
        MalformedJobsFile(
            "an overlap policy misspelled",
            #"{"jobs": [{"name": "a", "type": "report", "every": "5m", "overlap": "queue-one"}]}"#,
            #"jobs.json:1:69: job #1 "a": field "overlap": "queue-one" is not an overlap policy; did you mean "queue_one"? Use "skip" or "queue_one"."#
        ),
        MalformedJobsFile(
            "an overlap policy in defaults that is not a string",
            #"{"defaults": {"overlap": true}, "jobs": []}"#,
            #"jobs.json:1:26: field "defaults.overlap": expected a string, found true."#
        ),
        MalformedJobsFile(
            "cron minute out of range",
            #"{"jobs": [{"name": "a", "type": "report", "cron": "61 * * * *"}]}"#,
            #"jobs.json:1:51: job #1 "a": field "cron": cron "61 * * * *": minute 61 is out of range 0–59."#
        ),
        MalformedJobsFile(
            "cron with four fields",
            #"{"jobs": [{"name": "a", "type": "report", "cron": "0 9 * *"}]}"#,
            #"jobs.json:1:51: job #1 "a": field "cron": cron "0 9 * *": expected 5 fields (minute hour day-of-month month day-of-week) or an alias such as @daily, found 4."#
        ),
        MalformedJobsFile(
            "cron that never fires",
            #"{"jobs": [{"name": "a", "type": "report", "cron": "0 0 30 2 *"}]}"#,
            #"jobs.json:1:51: job #1 "a": field "cron": cron "0 0 30 2 *" never fires: no date matches all of its fields."#
        ),
        MalformedJobsFile(
            "unknown time zone",
            #"{"jobs": [{"name": "a", "type": "report", "cron": "@daily", "timezone": "Europe/Berln"}]}"#,
            #"jobs.json:1:73: job #1 "a": field "timezone": unknown time zone "Europe/Berln"; did you mean "Europe/Berlin"?"#
        ),
        MalformedJobsFile(
            "unknown time zone without suggestion",
            #"{"jobs": [{"name": "a", "type": "report", "cron": "@daily", "timezone": "Mars/Olympus_Mons"}]}"#,
            #"jobs.json:1:73: job #1 "a": field "timezone": unknown time zone "Mars/Olympus_Mons"; write an IANA name such as "Europe/Berlin", or "UTC"."#
        ),
        MalformedJobsFile(
            "time zone abbreviation",
            #"{"defaults": {"timezone": "PST"}, "jobs": []}"#,
            #"jobs.json:1:27: field "defaults.timezone": "PST" is an abbreviation, not a time zone name; write an IANA name such as "America/Los_Angeles"."#
        ),
        MalformedJobsFile(
            "time zone with every",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "timezone": "Europe/Berlin"}]}"#,
            #"jobs.json:1:70: job #1 "a": field "timezone": a time zone applies only to a "cron" schedule; "every" ticks are counted from the Unix epoch, the same in every zone."#
        ),
        MalformedJobsFile(
            "duplicate names",
            #"""
            {
              "jobs": [
                {"name": "backup", "type": "report", "every": "1h"},
                {"name": "vacuum", "type": "report", "every": "1h"},
                {"name": "backup", "type": "report", "every": "2h"}
              ]
            }

            """#,
            #"jobs.json:5:14: job #3 "backup": field "name": the name "backup" is already used by job #1; names must be unique."#
        ),
        MalformedJobsFile(
            "shared lock id",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "lock": "shared"}, {"name": "b", "type": "report", "every": "1m", "lock": "shared"}]}"#,
            #"jobs.json:1:132: job #2 "b": field "lock": the lock id "shared" is already the lock of job #1 "a"; each job needs a lock of its own, because a lock remembers the last tick it ran."#
        ),
        MalformedJobsFile(
            "name that is another job's lock id",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "lock": "b"}, {"name": "b", "type": "report", "every": "1m"}]}"#,
            #"jobs.json:1:81: job #2 "b": field "name": the name "b" is also the lock id of job #1 "a"; set "lock" to give this job a lock of its own, because a lock remembers the last tick it ran."#
        ),
        MalformedJobsFile(
            "lock id too long",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "lock": "\#(String(repeating: "x", count: 300))"}]}"#,
            #"jobs.json:1:66: job #1 "a": field "lock": the lock id is 300 characters long; the limit is 255."#
        ),
        MalformedJobsFile(
            "name too long",
            #"{"jobs": [{"name": "\#(String(repeating: "n", count: 256))", "type": "report", "every": "1m"}]}"#,
            #"jobs.json:1:20: job #1: field "name": the name is 256 characters long; the limit is 255, because a name is the default lock id."#
        ),
        MalformedJobsFile(
            "empty name",
            #"{"jobs": [{"name": "", "type": "report", "every": "1m"}]}"#,
            #"jobs.json:1:20: job #1: field "name": the name is empty."#
        ),
        MalformedJobsFile(
            "name with a control character",
            #"{"jobs": [{"name": "a\u0007b", "type": "report", "every": "1m"}]}"#,
            #"jobs.json:1:20: job #1: field "name": the name contains the control character U+0007; a name is one line of plain text."#
        ),
        MalformedJobsFile(
            "name with a trailing space",
            #"{"jobs": [{"name": "backup ", "type": "report", "every": "1m"}]}"#,
            #"jobs.json:1:20: job #1: field "name": the name "backup " starts or ends with white space; remove it."#
        ),
        MalformedJobsFile(
            "unknown type with a suggestion",
            #"{"jobs": [{"name": "a", "type": "shel", "every": "1m"}]}"#,
            #"jobs.json:1:33: job #1 "a": field "type": unknown type "shel"; did you mean "shell"? known types: report, shell."#
        ),
        MalformedJobsFile(
            "unknown type without a suggestion",
            #"{"jobs": [{"name": "a", "type": "python", "every": "1m"}]}"#,
            #"jobs.json:1:33: job #1 "a": field "type": unknown type "python"; known types: report, shell."#
        ),
        MalformedJobsFile(
            "wrong parameter types",
            #"{"jobs": [{"name": "a", "type": "shell", "every": "1m", "parameters": {"command": "date", "shell": "yes", "timeout": "5x"}}]}"#,
            [
                #"jobs.json:1:71: job #1 "a": field "parameters": "command" must be a non-empty array of strings."#,
                #"jobs.json:1:71: job #1 "a": field "parameters": "shell" must be true or false."#,
                #"jobs.json:1:71: job #1 "a": field "parameters": "timeout" must be a duration."#,
            ].joined(separator: "\n")
        ),
        MalformedJobsFile(
            "required parameter missing",
            #"{"jobs": [{"name": "a", "type": "shell", "every": "1m"}]}"#,
            #"jobs.json:1:11: job #1 "a": field "parameters": "command" is required."#
        ),
        MalformedJobsFile(
            "parameters not an object",
            #"{"jobs": [{"name": "a", "type": "shell", "every": "1m", "parameters": ["date"]}]}"#,
            #"jobs.json:1:71: job #1 "a": field "parameters": expected an object, found an array."#
        ),
        MalformedJobsFile(
            "unknown top-level key",
            #"""
            {
              "databse": "sqlite:jobs.sqlite",
              "jobs": []
            }

            """#,
            #"jobs.json:2:3: unknown key "databse"; did you mean "database"?"#
        ),
        MalformedJobsFile(
            "unknown key in defaults",
            #"""
            {
              "defaults": {"tll": "5m"},
              "jobs": []
            }

            """#,
            #"jobs.json:2:16: field "defaults": unknown key "tll"; did you mean "ttl"?"#
        ),
        MalformedJobsFile(
            "unknown key in a job",
            #"{"jobs": [{"name": "a", "type": "report", "evry": "5m"}]}"#,
            [
                #"jobs.json:1:11: job #1 "a": the job has neither "every" nor "cron"; add one, as in "every": "5m" or "cron": "0 * * * *"."#,
                #"jobs.json:1:43: job #1 "a": unknown key "evry"; did you mean "every"?"#,
            ].joined(separator: "\n")
        ),
        MalformedJobsFile(
            "unknown key far from any",
            #"{"jobs": [{"name": "a", "type": "report", "every": "5m", "color": "red"}]}"#,
            #"jobs.json:1:58: job #1 "a": unknown key "color"; the keys of a job are name, type, every, cron, timezone, ttl, lock, jitter, grace, catchup, spread, overlap, parameters and enabled."#
        ),
        MalformedJobsFile(
            "a catch-up policy misspelled",
            #"{"jobs": [{"name": "a", "type": "report", "every": "5m", "catchup": "lastest"}]}"#,
            #"jobs.json:1:69: job #1 "a": field "catchup": "lastest" is not a catch-up policy; did you mean "latest"? Use "latest" or "none"."#
        ),
        MalformedJobsFile(
            "a catch-up policy that is not a string, in defaults",
            #"{"defaults": {"catchup": false}, "jobs": []}"#,
            #"jobs.json:1:26: field "defaults.catchup": expected a string, found false."#
        ),
        MalformedJobsFile(
            "synonym of a key",
            #"{"jobs": [{"name": "a", "type": "report", "cron": "@daily", "tz": "UTC"}]}"#,
            #"jobs.json:1:61: job #1 "a": unknown key "tz"; did you mean "timezone"?"#
        ),
        MalformedJobsFile(
            "duplicate key",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "every": "2m"}]}"#,
            #"jobs.json:1:58: job #1 "a": duplicate key "every"; the first is at line 1, column 43."#
        ),
        MalformedJobsFile(
            "every is a boolean",
            #"{"jobs": [{"name": "a", "type": "report", "every": true}]}"#,
            #"jobs.json:1:52: job #1 "a": field "every": expected a duration (a number of seconds or a text such as "90s"), found true."#
        ),
        MalformedJobsFile(
            "name is a number",
            #"{"jobs": [{"name": 5, "type": "report", "every": "1m"}]}"#,
            #"jobs.json:1:20: job #1: field "name": expected a string, found the number 5."#
        ),
        MalformedJobsFile(
            "enabled is a string",
            #"{"jobs": [{"name": "a", "type": "report", "every": "1m", "enabled": "yes"}]}"#,
            #"jobs.json:1:69: job #1 "a": field "enabled": expected true or false, found the string "yes"."#
        ),
        MalformedJobsFile(
            "defaults not an object",
            #"{"defaults": ["ttl"], "jobs": []}"#,
            #"jobs.json:1:14: field "defaults": expected an object, found an array."#
        ),
        MalformedJobsFile(
            "empty database",
            #"{"database": "", "jobs": []}"#,
            #"jobs.json:1:14: field "database": the database URL is empty; remove the key to use the default store."#
        ),
        MalformedJobsFile(
            "several problems in one file",
            #"""
            {
              "databse": "postgres://db/jobs",
              "defaults": {"ttl": "5x"},
              "jobs": [
                {"name": "backup", "type": "shell", "every": "1h", "parameters": {"command": ["true"]}},
                {"name": "nightly-report", "type": "report", "evry": "5m", "every": "5x"},
                {"name": "backup", "type": "shel", "cron": "61 * * * *", "timezone": "Europe/Berln"},
                {"name": 5, "type": "report", "every": true, "grace": 0, "enabled": "no"}
              ]
            }

            """#,
            [
                #"jobs.json:2:3: unknown key "databse"; did you mean "database"?"#,
                #"jobs.json:3:23: field "defaults.ttl": "5x" is not a duration: unknown unit "x"; use ms, s, m, h or d, as in "90s", "5m" or "1h30m"."#,
                #"jobs.json:6:50: job #2 "nightly-report": unknown key "evry"; did you mean "every"?"#,
                #"jobs.json:6:73: job #2 "nightly-report": field "every": "5x" is not a duration: unknown unit "x"; use ms, s, m, h or d, as in "90s", "5m" or "1h30m"."#,
                #"jobs.json:7:14: job #3 "backup": field "name": the name "backup" is already used by job #1; names must be unique."#,
                #"jobs.json:7:32: job #3 "backup": field "type": unknown type "shel"; did you mean "shell"? known types: report, shell."#,
                #"jobs.json:7:48: job #3 "backup": field "cron": cron "61 * * * *": minute 61 is out of range 0–59."#,
                #"jobs.json:7:74: job #3 "backup": field "timezone": unknown time zone "Europe/Berln"; did you mean "Europe/Berlin"?"#,
                #"jobs.json:8:14: job #4: field "name": expected a string, found the number 5."#,
                #"jobs.json:8:44: job #4: field "every": expected a duration (a number of seconds or a text such as "90s"), found true."#,
                #"jobs.json:8:59: job #4: field "grace": 0 is too short for a grace period: it must be at least 1s, so that a timer that fires a little late still runs its tick."#,
                #"jobs.json:8:73: job #4: field "enabled": expected true or false, found the string "no"."#,
            ].joined(separator: "\n")
        ),
    ]

    @Test(arguments: malformed)
    func reportsEveryProblemExactly(_ file: MalformedJobsFile) {
        let loader = JobsFileLoader(catalog: TestJobTypeCatalog())
        do {
            let loaded = try loader.load(Data(file.json.utf8), file: "jobs.json")
            Issue.record("loaded \(loaded.jobs.count) jobs instead of refusing the file")
        } catch {
            #expect(error.description == file.message)
            #expect(error.file == "jobs.json")
            #expect(error.problems.map(\.description) == file.message.components(separatedBy: "\n"))
        }
    }

    @Test func problemsCarryTheirPartsSeparately() throws {
        let json = #"{"jobs": [{"name": "ok", "type": "report", "every": "1m"}, {"name": "nightly", "type": "report", "every": "5x"}]}"#
        let error = try #require(throws: JobsFileError.self) {
            try JobsFileLoader(catalog: TestJobTypeCatalog()).load(Data(json.utf8), file: "jobs.json")
        }
        let problem = try #require(error.problems.first)
        #expect(error.problems.count == 1)
        #expect(problem.file == "jobs.json")
        #expect(problem.line == 1)
        #expect(problem.column == 107)
        #expect(problem.jobNumber == 2)
        #expect(problem.jobName == "nightly")
        #expect(problem.field == "every")
        #expect(problem.message.hasPrefix(#""5x" is not a duration: unknown unit "x""#))
    }

    @Test func aMissingFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("absent.json")
        let error = try #require(throws: JobsFileError.self) {
            try JobsFileLoader(catalog: TestJobTypeCatalog()).load(contentsOf: path)
        }
        #expect(error.description == "\(path): the file cannot be read: there is no such file.")
        #expect(error.problems.first?.line == nil)
    }

    @Test func aDirectoryIsNotAFile() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: JobsFileError.self) {
            try JobsFileLoader(catalog: TestJobTypeCatalog()).load(contentsOf: directory.url.path)
        }
        #expect(error.description == "\(directory.url.path): the file cannot be read: it is a directory.")
    }

    @Test func aFileOnDiskIsNamedByItsPath() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("jobs.json")
        try Data(#"{"jobs": [{"name": "a", "type": "report", "evry": "1m"}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: JobsFileError.self) {
            try JobsFileLoader(catalog: TestJobTypeCatalog()).load(contentsOf: path)
        }
        #expect(
            error.description == """
                \(path):1:11: job #1 "a": the job has neither "every" nor "cron"; add one, as in "every": "5m" or "cron": "0 * * * *".
                \(path):1:43: job #1 "a": unknown key "evry"; did you mean "every"?
                """
        )
    }
}
