import Foundation
import JobKit
import Testing

/// A base job class and its subclasses, held as the base type, in an array of it and as
/// `any NonOverlappingJob`: each subclass takes its own lock and reports its own type name,
/// and a subclass's override of `jobTypeName` is honoured by `run`, the registry and events.
extension Jobs {
    @Suite struct JobClassHierarchyTests {
        /// A base class: immutable stored properties make it safe to share, which
        /// `@unchecked Sendable` promises to the compiler. It declares `jobTypeName` as a
        /// `class var` so that subclasses can override it.
        class SyncJob: NonOverlappingJob, Decodable, @unchecked Sendable {
            let batchSize: Int
            init(batchSize: Int = 100) { self.batchSize = batchSize }
            class var jobTypeName: String { defaultJobTypeName(of: self) }
            func runWorker(context: JobContext) async throws {}
        }

        final class SyncCustomers: SyncJob, @unchecked Sendable {}

        final class SyncInvoices: SyncJob, @unchecked Sendable {
            override class var jobTypeName: String { "sync-invoices" }
        }

        /// A base class that does not declare `jobTypeName`: subclasses still get their own names.
        class PlainBase: NonOverlappingJob, @unchecked Sendable {
            func runWorker(context: JobContext) async throws {}
        }

        final class PlainChild: PlainBase, @unchecked Sendable {}

        private func mutex(_ recorder: EventRecorder) -> (DBMutex, InMemoryLockStore) {
            let store = InMemoryLockStore()
            return (DBMutex(store: store, owner: "hierarchy", heartbeat: nil, logger: recorder.logger()), store)
        }

        private func run(_ jobs: [any NonOverlappingJob]) async throws -> (locks: Set<String>, types: [String]) {
            let recorder = EventRecorder()
            let (mutex, store) = mutex(recorder)
            for job in jobs {
                let outcome = await job.run(using: mutex)
                #expect(outcome.event == .jobSucceeded, "\(outcome)")
            }
            let locks = Set(try await store.locks().map(\.lockID))
            let types = recorder.records.filter { $0.event == .jobStarted }.compactMap { $0["job_type"] }
            return (locks, types)
        }

        @Test func heldAsTheBaseClassEachSubclassTakesItsOwnLock() async throws {
            let customers: SyncJob = SyncCustomers()
            let invoices: SyncJob = SyncInvoices()
            let base = SyncJob()
            #expect(customers.instanceJobTypeName == "JobKitTests.Jobs.JobClassHierarchyTests.SyncCustomers")
            #expect(invoices.instanceJobTypeName == "sync-invoices", "the subclass's override is honoured")
            #expect(base.instanceJobTypeName == "JobKitTests.Jobs.JobClassHierarchyTests.SyncJob")

            for job in [customers, invoices, base] {
                let recorder = EventRecorder()
                let (mutex, store) = mutex(recorder)
                #expect(await job.run(using: mutex).event == .jobSucceeded)
                #expect(try await store.locks().map(\.lockID) == [job.instanceJobTypeName])
                #expect(recorder.first(.jobStarted)?["job_type"] == job.instanceJobTypeName)
                #expect(recorder.first(.jobStarted)?["job"] == job.instanceJobTypeName)
            }
        }

        @Test func inAnArrayOfTheBaseClassEachSubclassTakesItsOwnLock() async throws {
            let jobs: [SyncJob] = [SyncCustomers(), SyncInvoices(), SyncJob()]
            let (locks, types) = try await run(jobs)
            let names = [
                "JobKitTests.Jobs.JobClassHierarchyTests.SyncCustomers", "sync-invoices",
                "JobKitTests.Jobs.JobClassHierarchyTests.SyncJob",
            ]
            #expect(locks == Set(names))
            #expect(types == names)
        }

        @Test func asAnyNonOverlappingJobEachSubclassTakesItsOwnLock() async throws {
            let jobs: [any NonOverlappingJob] = [SyncCustomers(), SyncInvoices(), PlainChild(), PlainBase()]
            let (locks, _) = try await run(jobs)
            #expect(locks == [
                "JobKitTests.Jobs.JobClassHierarchyTests.SyncCustomers", "sync-invoices",
                "JobKitTests.Jobs.JobClassHierarchyTests.PlainChild", "JobKitTests.Jobs.JobClassHierarchyTests.PlainBase",
            ])
            let child: PlainBase = PlainChild()
            #expect(child.instanceJobTypeName.hasSuffix("PlainChild"), "without any declaration, the dynamic type names it")
        }

        @Test func theRegistryMakesSubclassesThatKeepTheirNames() throws {
            var registry = JobRegistry()
            try registry.register(SyncCustomers.self, as: "sync-customers")
            try registry.register(SyncInvoices.self, as: "sync-invoices")
            let made = try registry.makeJob(type: "sync-invoices", parameters: Data(#"{"batchSize": 5}"#.utf8), jobName: "inv")
            #expect(made.instanceJobTypeName == "sync-invoices")
            #expect((made as? SyncInvoices)?.batchSize == 5)
            let error = #expect(throws: JobRegistryError.self) { try registry.register(SyncCustomers.self, as: "sync-invoices") }
            #expect(error.map { "\($0)" }?.contains("sync-invoices") == true)
        }
    }
}
