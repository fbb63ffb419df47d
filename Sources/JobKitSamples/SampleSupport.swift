import Foundation
import JobKit
import Logging

// What the samples' prose leaves to the reader: a database URL, a logger, the work itself.
// Stubs with the shapes the samples use; nothing here runs.

let url = "postgres://jobkit@localhost/jobkit"
let logger = Logger(label: "samples")
let mutex = DBMutex(store: InMemoryLockStore(), logger: logger)
let parametersJSON = Data("{}".utf8)
let body = "report"
let day = "2026-11-23"

struct Report: Sendable {}
struct StaleRunError: Error { let token: Int64 }

func buildReport() async throws -> Report { Report() }
func rebuild(_ day: String) throws {}
func rebuildIndex(for day: String) throws {}
func rebuildIndex() async throws {}
func rebuildSearchIndex() async throws {}
func sendReport(to recipients: [String], fencingToken: Int64) async throws {}
func buildAndSend(to recipients: [String], fencingToken: Int64) async throws {}
func syncCustomers(batchSize: Int, fencingToken: Int64) async throws {}
func alert(_ timeout: DBMutexTimeoutError) {}
func report(_ error: any Error) {}

struct Mailer: Sendable {
    func send(_ report: Report, to recipient: String, fencingToken: Int64) async throws {}
}
let mailer = Mailer()

struct SampleDatabase: Sendable {
    func execute(_ sql: String, _ parameters: [any Sendable]) async throws -> Int { 1 }
}
let database = SampleDatabase()

/// The job types the samples write out in full elsewhere and then use.
struct ReportJob: NonOverlappingJob, Decodable {
    var recipients: [String]
    var title: String?
    func runWorker(context: JobContext) async throws {}
}

struct CleanupJob: NonOverlappingJob, Decodable {
    var olderThanDays: Int?
    func runWorker(context: JobContext) async throws {}
}
