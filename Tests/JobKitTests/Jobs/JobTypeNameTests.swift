import JobKit
import Testing

/// A job type only this file can see: the runtime names it with a per-process address.
private struct PrivateJob: NonOverlappingJob {
    func runWorker(context: JobContext) async throws {}
}

extension Jobs {
    @Suite struct JobTypeNameTests {
        @Test func theDefaultTypeNameIsFullyQualified() {
            #expect(ScriptedJob.jobTypeName == "JobKitTests.ScriptedJob")
            #expect(Acquire.ReportJob.jobTypeName == "JobKitTests.Acquire.ReportJob")
            #expect(JobRegistryTests.ReportJob.jobTypeName == "JobKitTests.Jobs.JobRegistryTests.ReportJob")
            #expect(Acquire.ReportJob.jobTypeName != JobRegistryTests.ReportJob.jobTypeName)
        }

        /// `String(reflecting:)` prints `(unknown context at $55d0…)` for private and local types;
        /// the address changes with every process (ASLR), so machines would lock different ids.
        @Test func privateAndLocalTypesGetANameEveryProcessSpellsTheSame() {
            struct LocalJob: NonOverlappingJob {
                func runWorker(context: JobContext) async throws {}
            }
            #expect(String(reflecting: PrivateJob.self).contains("(unknown context at $"))
            #expect(PrivateJob.jobTypeName == "JobKitTests.PrivateJob")
            // A local type is named after its enclosing declaration, without the function.
            #expect(LocalJob.jobTypeName == "JobKitTests.Jobs.JobTypeNameTests.LocalJob")
        }

        @Test func aJobTypeMayNameItself() {
            struct RenamedJob: NonOverlappingJob {
                static var jobTypeName: String { "reports.nightly" }
                func runWorker(context: JobContext) async throws {}
            }
            #expect(RenamedJob.jobTypeName == "reports.nightly")
            #expect(!RenamedJob().cancelsOnLeaseLoss, "cancellation on lease loss is opt-in")
        }
    }
}
