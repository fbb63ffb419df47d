import ArgumentParser
import JobKit
import Logging

/// `jobkit migrate`: creates or updates the lock schema.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or update the lock table of the configured store."
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: "A jobs file whose \"database\" names the store (when neither --database-url nor JOBKIT_DATABASE_URL is set).")
    var config: String?

    func run() async throws {
        let store = try LockStoreURL.makeStore(options.storeURL(fromFile: options.database(ofJobsFile: config)))
        try await store.migrate()
        // django-db-mutex's table belongs to Django's migrations: it was only checked.
        print(store is DjangoLockStore ? "Checked \(store): django-db-mutex's table is there." : "Migrated \(store).")
    }
}
