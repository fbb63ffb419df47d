import ArgumentParser
import Foundation
import JobKit
import Logging

/// django-db-mutex's `with db_mutex('id'):` in Swift: the free function ``withDBMutex``, on the
/// store `JOBKIT_DATABASE_URL` names, with `DB_MUTEX_TTL_SECONDS` as the TTL. Inside, it prints
/// `{"acquired": true, "token": …}`, creates `--ran-file`, and holds until a line `release`
/// arrives on stdin (or stdin closes); then it prints what the release found.
struct WithDBMutex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "with-db-mutex",
        abstract: "Run a critical section under withDBMutex, on the store JOBKIT_DATABASE_URL names."
    )

    @Option(help: "The lock id.")
    var lock: String

    @Option(help: "A file the critical section creates, so a test can tell whether it ran.")
    var ranFile: String?

    func run() throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        do {
            try withDBMutex(lock) {
                let lease = try DBMutex.shared().store.locks().first { $0.lockID == lock }
                emit(["acquired": true, "token": lease?.token ?? -1])
                if let ranFile { _ = FileManager.default.createFile(atPath: ranFile, contents: nil) }
                while let line = readLine(), line != "release" {}
            }
            emit(["outcome": "released"])
        } catch let error as DBMutexError {
            emit(["acquired": false, "holder": error.holder?.owner ?? "", "holder_token": error.holder?.token ?? -1, "error": "\(error)"])
        } catch let error as DBMutexTimeoutError {
            var fields: [String: Any] = ["outcome": "timeout", "overlapped": error.overlapped]
            if let holder = error.newHolder { fields["new_token"] = holder.token; fields["new_owner"] = holder.owner }
            emit(fields)
        }
    }
}
