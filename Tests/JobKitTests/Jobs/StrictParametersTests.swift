import Foundation
import JobKit
import Testing

/// Every job type's parameters are strict: a key the type does not read is an error with a
/// did-you-mean, at any depth, reported by the jobs-file loader (`jobkit validate`) with file,
/// line, job and field; a free-form type opts out when it is registered.
extension Jobs {
    @Suite struct StrictParametersTests {
        struct CleanupJob: NonOverlappingJob, Decodable {
            var directory: String?
            var dryRun: Bool?
            func runWorker(context: JobContext) async throws {}
        }

        struct Target: Decodable, Sendable {
            var host: String
            var port: Int?
        }

        struct SyncJob: NonOverlappingJob, Decodable {
            var primary: Target
            var replicas: [Target]?
            var since: Date?
            func runWorker(context: JobContext) async throws {}
        }

        struct WebhookJob: NonOverlappingJob, Decodable {
            var url: String
            func runWorker(context: JobContext) async throws {}
        }

        private func registry() throws -> JobRegistry {
            var registry = JobRegistry()
            try registry.register(CleanupJob.self, as: "cleanup")
            try registry.register(SyncJob.self, as: "sync")
            try registry.register(WebhookJob.self, as: "webhook", allowingUnknownParameters: true)
            return registry
        }

        private func problem(_ type: String, _ json: String) throws -> String? {
            try registry().validateParameters(type: type, parameters: Data(json.utf8), jobName: "job").first
        }

        @Test func aTypoInAParameterNameIsAnErrorWithADidYouMean() throws {
            let registry = try registry()
            let error = try #require(throws: JobRegistryError.self) {
                try registry.makeJob(type: "cleanup", parameters: Data(#"{"dryrun": false}"#.utf8), jobName: "tmp")
            }
            #expect(error.description == #"Job "tmp" (type cleanup): parameters.dryrun: is not a parameter of job type cleanup; did you mean "dryRun"? the parameters are directory and dryRun."#)
        }

        @Test func unknownKeysAreFoundAtEveryDepth() throws {
            #expect(try problem("sync", #"{"primary": {"host": "a", "prot": 5}}"#)?.hasPrefix(#"parameters.primary.prot: is not a parameter of job type sync; did you mean "port"?"#) == true)
            #expect(try problem("sync", #"{"primary": {"host": "a"}, "replicas": [{"host": "b"}, {"hots": "c", "host": "c"}]}"#)?.hasPrefix("parameters.replicas[1].hots:") == true)
            #expect(try problem("sync", #"{"primary": {"host": "a"}, "sinec": 0}"#)?.hasPrefix(#"parameters.sinec: is not a parameter of job type sync; did you mean "since"?"#) == true)
        }

        @Test func parametersTheTypeReadsStillDecodeAsBefore() throws {
            let registry = try registry()
            #expect(try problem("cleanup", "{}") == nil)
            #expect(try problem("cleanup", #"{"directory": "/tmp", "dryRun": null}"#) == nil)
            let job = try registry.makeJob(
                type: "sync", parameters: Data(#"{"primary": {"host": "a", "port": 5432}, "replicas": [], "since": 60}"#.utf8),
                jobName: "sync"
            )
            let sync = try #require(job as? SyncJob)
            #expect(sync.primary.port == 5432)
            #expect(sync.since == Date(timeIntervalSinceReferenceDate: 60), "dates decode by JSONDecoder's own strategy")
            // A missing required field is reported as before, not as an unknown key.
            #expect(try problem("sync", #"{"replicas": []}"#)?.contains("primary") == true)
        }

        @Test func aFreeFormTypeOptsOut() throws {
            #expect(try problem("webhook", #"{"url": "https://example.com", "X-Header": "yes"}"#) == nil)
        }

        @Test func validateReportsFileLineJobAndField() throws {
            let json = """
                {"jobs": [
                  {"name": "tmp-cleanup", "type": "cleanup", "every": "1h",
                   "parameters": {"dryrun": false}}
                ]}
                """
            let error = try #require(throws: JobsFileError.self) {
                try JobsFileLoader(catalog: try registry()).load(Data(json.utf8), file: "jobs.json")
            }
            let problem = try #require(error.problems.first)
            #expect(problem.file == "jobs.json")
            #expect(problem.line == 3)
            #expect(problem.jobName == "tmp-cleanup")
            #expect(problem.field == "parameters")
            #expect(problem.message.contains(#"parameters.dryrun: is not a parameter of job type cleanup; did you mean "dryRun"?"#))
        }
    }
}
