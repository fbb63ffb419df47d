import Foundation
import JobKit
import Testing

extension Jobs {
    @Suite struct JobRegistryTests {
        /// A job with parameters.
        struct ReportJob: NonOverlappingJob, Decodable {
            var recipients: [String]
            var title: String?
            func runWorker(context: JobContext) async throws {}
        }

        /// A job whose parameters are all optional.
        struct CleanupJob: NonOverlappingJob, Decodable {
            var olderThanDays: Int?
            func runWorker(context: JobContext) async throws {}
        }

        /// Another type that wants the name "report".
        struct OtherReportJob: NonOverlappingJob, Decodable {
            func runWorker(context: JobContext) async throws {}
        }

        func registry() throws -> JobRegistry {
            var registry = JobRegistry()
            try registry.register(ReportJob.self, as: "report")
            try registry.register(CleanupJob.self, as: "cleanup")
            return registry
        }

        func parameters(_ json: String) -> Data { Data(json.utf8) }

        @Test func makesJobsFromTheirParameters() throws {
            let registry = try registry()
            #expect(registry.typeNames == ["cleanup", "report"])
            let job = try registry.makeJob(
                type: "report", parameters: parameters(#"{"recipients": ["ops@example.com"], "title": "Nightly"}"#),
                jobName: "nightly"
            )
            let report = try #require(job as? ReportJob)
            #expect(report.recipients == ["ops@example.com"])
            #expect(report.title == "Nightly")
            #expect(registry.jobType(named: "report") == ReportJob.self)
        }

        @Test func aJobWithoutParametersDecodesFromAnEmptyObject() throws {
            let job = try registry().makeJob(type: "cleanup", parameters: nil, jobName: "sweep")
            #expect((job as? CleanupJob)?.olderThanDays == nil)
        }

        @Test func registeringASecondTypeUnderOneNameNamesBothTypes() throws {
            var registry = try registry()
            #expect(throws: Never.self) { try registry.register(ReportJob.self, as: "report") }
            let error = try #require(throws: JobRegistryError.self) {
                try registry.register(OtherReportJob.self, as: "report")
            }
            #expect(
                error.description
                    == "Cannot register job type JobKitTests.Jobs.JobRegistryTests.OtherReportJob as \"report\": "
                    + "JobKitTests.Jobs.JobRegistryTests.ReportJob is registered under that name already."
            )
            #expect(throws: Never.self) { try registry.register(ReportJob.self, as: "weekly-report") }
            #expect(registry.typeNames == ["cleanup", "report", "weekly-report"])
        }

        @Test func aWrongParameterTypeNamesTheJobAndTheFieldPath() throws {
            let error = try #require(throws: JobRegistryError.self) {
                try registry().makeJob(
                    type: "report", parameters: parameters(#"{"recipients": ["ops@example.com", 42]}"#), jobName: "nightly"
                )
            }
            #expect(error.description == #"Job "nightly" (type report): parameters.recipients[1]: expected a string, found the number 42."#)
            #expect(error.jobName == "nightly")
            #expect(error.fieldPath == "parameters.recipients[1]")
        }

        @Test(arguments: [
            (#"{}"#, #"Job "nightly" (type report): parameters.recipients: is required but missing."#),
            (#"{"recipients": "ops@example.com"}"#,
             #"Job "nightly" (type report): parameters.recipients: expected an array, found the string "ops@example.com"."#),
            (#"{"recipients": [], "title": null}"#, nil),
            // Strict: keys the type does not read are errors (the first, in key order).
            (#"{"recipients": [], "title": null, "extra": 1, "title2": true}"#,
             #"Job "nightly" (type report): parameters.extra: is not a parameter of job type report; the parameters are recipients and title."#),
            (#"{"recipients": [null]}"#, #"Job "nightly" (type report): parameters.recipients[0]: expected a string, found null."#),
            (#"{"recipients": [], "title": false}"#,
             #"Job "nightly" (type report): parameters.title: expected a string, found the boolean false."#),
            (#"[1, 2]"#, #"Job "nightly" (type report): parameters: expected an object, found an array."#),
        ] as [(String, String?)])
        func decodingErrorsSayWhereAndWhat(json: String, expected: String?) throws {
            let registry = try registry()
            if let expected {
                let error = try #require(throws: JobRegistryError.self) {
                    try registry.makeJob(type: "report", parameters: parameters(json), jobName: "nightly")
                }
                #expect(error.description == expected)
            } else {
                #expect(throws: Never.self) { try registry.makeJob(type: "report", parameters: parameters(json), jobName: "nightly") }
            }
        }

        @Test func parametersThatAreNotJSONAreReportedAsSuch() throws {
            let error = try #require(throws: JobRegistryError.self) {
                try registry().makeJob(type: "report", parameters: parameters(#"{"recipients": ["#), jobName: "nightly")
            }
            #expect(error.description.hasPrefix(#"Job "nightly" (type report): parameters: is not valid JSON ("#))
            #expect(error.fieldPath == "parameters")
        }

        @Test func anUnknownTypeSuggestsTheClosestKnownOne() throws {
            let error = try #require(throws: JobRegistryError.self) {
                try registry().makeJob(type: "reprot", parameters: nil, jobName: "nightly")
            }
            #expect(error.description == #"Job "nightly" has unknown type "reprot"; did you mean "report"? Known types: cleanup, report."#)
            let far = try #require(throws: JobRegistryError.self) {
                try registry().makeJob(type: "shell", parameters: nil, jobName: "backup")
            }
            #expect(far.description == #"Job "backup" has unknown type "shell". Known types: cleanup, report."#)
        }
    }
}
