import Foundation
@testable import JobKitCLI
import Testing

@Suite struct ShellParametersTests {
    private func decode(_ json: String) throws(ShellParametersError) -> ShellParameters {
        try ShellParameters(json: Data(json.utf8))
    }

    /// The message decoding `json` fails with.
    private func message(_ json: String) -> String? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func decodesEveryField() throws {
        let parameters = try decode("""
            {"command": ["pg_dump", "--file=/backup/app.sql", "app"], "shell": false,
             "env": {"PGHOST": "db1", "EMPTY": ""}, "cwd": "/srv/app", "timeout": "1h30m"}
            """)
        #expect(parameters.command == ["pg_dump", "--file=/backup/app.sql", "app"])
        #expect(parameters.shell == false)
        #expect(parameters.env == ["PGHOST": "db1", "EMPTY": ""])
        #expect(parameters.cwd == "/srv/app")
        #expect(parameters.timeout == .seconds(5400))
    }

    @Test func appliesDefaults() throws {
        let parameters = try decode(#"{"command": ["true"]}"#)
        #expect(parameters == (try ShellParameters(command: ["true"])))
        #expect(parameters.shell == false)
        #expect(parameters.env.isEmpty)
        #expect(parameters.cwd == nil)
        #expect(parameters.timeout == nil)
    }

    @Test func readsTimeoutAsNumberOfSeconds() throws {
        #expect(try decode(#"{"command": ["true"], "timeout": 90}"#).timeout == .seconds(90))
        #expect(try decode(#"{"command": ["true"], "timeout": 0.25}"#).timeout == .milliseconds(250))
        #expect(try decode(#"{"command": ["true"], "timeout": "5m"}"#).timeout == .seconds(300))
    }

    @Test func acceptsTheScriptAsStringOrOneElementArrayWithShell() throws {
        let script = "pg_dump app | gzip > /backup/app.gz"
        let fromString = try decode(#"{"command": "pg_dump app | gzip > /backup/app.gz", "shell": true}"#)
        let fromArray = try decode(#"{"shell": true, "command": ["pg_dump app | gzip > /backup/app.gz"]}"#)
        #expect(fromString.command == [script])
        #expect(fromString == fromArray)
    }

    static let invalid: [(json: String, message: String)] = [
        (#"{"comand": ["true"]}"#,
         #"parameters.comand is not a shell job parameter; did you mean "command"? The parameters are command, shell, env, cwd and timeout."#),
        (#"{"command": ["true"], "timout": 5}"#,
         #"parameters.timout is not a shell job parameter; did you mean "timeout"? The parameters are command, shell, env, cwd and timeout."#),
        (#"{"command": ["true"], "environment": {}}"#,
         #"parameters.environment is not a shell job parameter; did you mean "env"? The parameters are command, shell, env, cwd and timeout."#),
        (#"{"command": ["true"], "retries": 3}"#,
         "parameters.retries is not a shell job parameter; the parameters are command, shell, env, cwd and timeout."),
        ("{}",
         #"parameters.command is required; give the program and its arguments, as in ["pg_dump", "app"]."#),
        (#"{"command": []}"#,
         #"parameters.command is empty; give the program and its arguments, as in ["pg_dump", "app"]."#),
        (#"{"command": [], "shell": true}"#,
         #"parameters.command is empty; give the script to run, as in "pg_dump app | gzip > /backup/app.gz"."#),
        (#"{"command": [""]}"#,
         "parameters.command[0] is empty; it must name the program to run."),
        (#"{"command": "pg_dump app"}"#,
         #"parameters.command is a string, which runs only through a shell: add "shell": true, or give the program and its arguments as an array, as in ["pg_dump", "app"]."#),
        (#"{"command": ["pg_dump", "app"], "shell": true}"#,
         #"parameters.command has 2 elements, but with "shell": true it holds the whole script as one string, as in "pg_dump app | gzip > /backup/app.gz"."#),
        (#"{"command": ["sleep", 5]}"#,
         "parameters.command[1] must be a string, found the number 5."),
        (#"{"command": 5}"#,
         #"parameters.command must be an array of strings, as in ["pg_dump", "app"], found the number 5."#),
        (#"{"command": ["a\u0000b"]}"#,
         "parameters.command[0] contains a NUL character, which cannot be passed to a program."),
        (#"{"command": ["true"], "shell": "yes"}"#,
         #"parameters.shell must be true or false, found the string "yes"."#),
        (#"{"command": ["true"], "env": ["A=1"]}"#,
         #"parameters.env must be an object of variable names to strings, as in {"PGHOST": "db1"}, found an array."#),
        (#"{"command": ["true"], "env": {"PGPORT": 5432}}"#,
         #"parameters.env.PGPORT must be a string, found the number 5432; write it in quotes, as in "5432"."#),
        (#"{"command": ["true"], "env": {"": "x"}}"#,
         #"parameters.env[""] is not a valid variable name: it is empty."#),
        (#"{"command": ["true"], "env": {"A=B": "x"}}"#,
         #"parameters.env["A=B"] is not a valid variable name: it contains "="."#),
        (#"{"command": ["true"], "env": {"A\u0000": "x"}}"#,
         #"parameters.env["A\0"] is not a valid variable name: it contains a NUL character."#),
        (#"{"command": ["true"], "env": {"A": "x\u0000"}}"#,
         "parameters.env.A contains a NUL character, which an environment variable cannot carry."),
        (#"{"command": ["true"], "env": {"JOBKIT_LOCK_TOKEN": "7"}}"#,
         "parameters.env.JOBKIT_LOCK_TOKEN is reserved: JobKit sets it for every shell job."),
        (#"{"command": ["true"], "cwd": null}"#,
         "parameters.cwd must be a string, found null."),
        (#"{"command": ["true"], "cwd": ""}"#,
         "parameters.cwd is empty; leave it out to run in the scheduler's working directory."),
        (#"{"command": ["true"], "timeout": "5x"}"#,
         #"parameters.timeout is invalid: "5x" is not a duration: unknown unit "x"; use ms, s, m, h or d, as in "90s", "5m" or "1h30m"."#),
        (#"{"command": ["true"], "timeout": -1}"#,
         "parameters.timeout is invalid: -1 is not a duration: it is negative; a duration is zero or more."),
        (#"{"command": ["true"], "timeout": "0s"}"#,
         "parameters.timeout must be more than zero; leave it out for no time limit."),
        (#"{"command": ["true"], "timeout": true}"#,
         #"parameters.timeout must be a duration such as 90, "90s" or "5m", found the boolean true."#),
        (#"["true"]"#,
         #"parameters must be an object, as in {"command": ["pg_dump", "app"]}."#),
        (#""true""#,
         #"parameters must be an object, as in {"command": ["pg_dump", "app"]}, found the string "true"."#),
    ]

    @Test(arguments: invalid)
    func refusesWithAMessageNamingTheField(json: String, message expected: String) {
        #expect(message(json) == expected)
    }

    @Test func decodingErrorPointsAtTheFieldBelowTheDecodersPath() throws {
        struct Job: Decodable { let parameters: ShellParameters }
        let json = #"{"parameters": {"command": ["true"], "env": {"A=B": "x"}}}"#
        do {
            _ = try JSONDecoder().decode(Job.self, from: Data(json.utf8))
            Issue.record("decoding succeeded")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.codingPath.map(\.stringValue) == ["parameters", "env", "A=B"])
            #expect(context.debugDescription == #"is not a valid variable name: it contains "=""#)
            let error = try #require(context.underlyingError as? ShellParametersError)
            #expect(error.field == #"parameters.env["A=B"]"#)
        }
    }

    @Test func decodingErrorForAnArrayElementUsesJSONDecodersIndexKey() {
        do {
            _ = try JSONDecoder().decode(ShellParameters.self, from: Data(#"{"command": ["ls", null]}"#.utf8))
            Issue.record("decoding succeeded")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.codingPath.map(\.stringValue) == ["command", "Index 1"])
            #expect(context.codingPath.map(\.intValue) == [nil, 1])
            #expect(context.debugDescription == "must be a string, found null")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func initializerKeepsTheSameRules() {
        #expect(throws: ShellParametersError.self) { try ShellParameters(command: []) }
        #expect(throws: ShellParametersError.self) { try ShellParameters(command: ["a", "b"], shell: true) }
        #expect(throws: ShellParametersError.self) { try ShellParameters(command: ["ls"], env: ["JOBKIT_JOB": "x"]) }
        #expect(throws: ShellParametersError.self) { try ShellParameters(command: ["ls"], timeout: .zero) }
        #expect(throws: ShellParametersError.self) { try ShellParameters(command: ["ls"], cwd: "") }
    }

    @Test func suggestsOnlyCloseKeys() {
        #expect(ShellParameters.closestKey(to: "Command") == "command")
        #expect(ShellParameters.closestKey(to: "cmd") == "command")
        #expect(ShellParameters.closestKey(to: "WorkDir") == "cwd")
        #expect(ShellParameters.closestKey(to: "retries") == nil)
        #expect(ShellParameters.closestKey(to: "envs") == "env")
        #expect(ShellParameters.closestKey(to: "time") == "timeout")
    }
}
