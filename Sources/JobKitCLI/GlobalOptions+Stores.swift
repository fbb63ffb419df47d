import JobKit

extension GlobalOptions {
    /// The `database` of the jobs file at `config`, when a file is named and sets one.
    func database(ofJobsFile config: String?) throws -> String? {
        guard let config else { return nil }
        return try JobsFileChoice.load(config).database
    }

    /// The chosen store, opened only if it exists with its schema: for commands that must not
    /// create a store (a missing SQLite file or lock table throws ``LockStoreNotFoundError``).
    func existingStore(config: String?) throws -> any LockStore {
        try LockStoreURL.makeStore(storeURL(fromFile: database(ofJobsFile: config)), opening: .existingOnly)
    }
}
