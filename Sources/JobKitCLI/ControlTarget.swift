import Foundation
import JobKit

/// The job a control command (`pause`, `resume`, `trigger`) names, checked against its jobs
/// file (the source of the known jobs, as for `once`), and the store it lives in, opened
/// without creating anything.
struct ControlTarget {
    let definition: JobDefinition
    let path: String
    let store: any LockStore

    init(job: String, config: String?, options: GlobalOptions) throws {
        let path = config ?? (FileManager.default.fileExists(atPath: "jobs.json") ? "jobs.json" : "jobs.example.json")
        let file = try JobsFileChoice.load(path)
        guard let definition = file.jobs.first(where: { $0.name == job }) else {
            throw UnknownJobError(job: job, file: path, known: file.jobs.map(\.name))
        }
        self.definition = definition
        self.path = path
        self.store = try LockStoreURL.makeStore(options.storeURL(fromFile: file.database), opening: .existingOnly)
    }

    /// Who gives the command, as the store records it: `--by`, else `user@host`.
    static func operatorName(_ by: String?) -> String {
        if let by, !by.isEmpty { return by }
        let environment = ProcessInfo.processInfo.environment
        let user = environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }
}
