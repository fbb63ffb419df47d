import Foundation
import JobKit
import Testing

/// Picking a store from a URL.
@Suite struct LockStoreURLTests {
    @Test(arguments: ["postgres://jobkit:secret@db.internal:5432/jobs", "postgresql://jobkit@db/jobs", "POSTGRES://db/jobs"])
    func postgresURLsOpenThePostgresStore(_ url: String) throws {
        let store = try LockStoreURL.makeStore(url)
        #expect(store is PostgresLockStore)
        #expect(!store.description.contains("secret"))
    }

    @Test func absoluteSQLiteURLsOpenThatFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobkit-url-\(UInt32.random(in: .min ... .max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("locks.sqlite").path
        for url in ["sqlite://\(path)", "sqlite:\(path)", "SQLite://\(path)"] {
            let store = try #require(try LockStoreURL.makeStore(url) as? SQLiteLockStore)
            #expect(store.path == path)
        }
    }

    @Test func relativeSQLiteURLIsRelativeToTheWorkingDirectory() throws {
        let name = "url-relative-\(UInt32.random(in: .min ... .max)).sqlite"
        let store = try #require(try LockStoreURL.makeStore("sqlite:\(name)") as? SQLiteLockStore)
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + suffix) }
        }
        #expect(store.path == FileManager.default.currentDirectoryPath + "/" + name)
    }

    @Test(arguments: ["sqlite://relative.sqlite", "sqlite://host/path.sqlite"])
    func sqliteWithAHostIsRefusedWithAHint(_ url: String) {
        let error = #expect(throws: LockStoreURLError.self) { try LockStoreURL.makeStore(url) }
        #expect(error?.description.contains("sqlite:relative/path") == true)
        #expect(error?.description.contains("sqlite:///absolute/path") == true)
    }

    @Test(arguments: ["sqlite:", "sqlite://", "sqlite:///"])
    func sqliteWithoutAFileIsRefused(_ url: String) {
        let error = #expect(throws: LockStoreURLError.self) { try LockStoreURL.makeStore(url) }
        #expect(error?.problem == "the URL names no file")
    }

    @Test func memoryURLOpensAFreshMemoryStore() throws {
        #expect(try LockStoreURL.makeStore("memory:") is InMemoryLockStore)
        #expect(try LockStoreURL.makeStore(" MEMORY: ") is InMemoryLockStore)
    }

    @Test(arguments: ["mysql://admin:hunter2@db/jobs", "redis://:hunter2@cache", "jobs.sqlite", "", "memory:other", "=db", "host db", "2host=db password=hunter2"])
    func otherURLsAreRefusedListingTheAcceptedFormsWithoutThePassword(_ url: String) {
        let error = #expect(throws: LockStoreURLError.self) { try LockStoreURL.makeStore(url) }
        let text = error?.description ?? ""
        #expect(!text.contains("hunter2"))
        for form in ["postgres://", "postgresql://", "sqlite:///", "sqlite:relative", "memory:"] {
            #expect(text.contains(form), "the message lists \(form)")
        }
    }

    /// A libpq keyword string names a PostgreSQL store, as it does for psql; opening it does
    /// not connect, and its password never shows.
    @Test(arguments: ["host=db password=hunter2", " dbname = jobs host=db password='hunter2'", "service=jobs"])
    func keywordStringsOpenAPostgresStore(_ url: String) throws {
        let store = try LockStoreURL.makeStore(url)
        #expect(store is PostgresLockStore)
        #expect(!store.description.contains("hunter2"))
        try LockStoreURL.checkForm(url)
        #expect(!LockStoreURL.redacted(url).contains("hunter2"))
    }

    @Test func checkFormRefusesWhatMakeStoreRefusesWithoutOpeningAnything() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("never-created.sqlite")
        try LockStoreURL.checkForm("sqlite:" + path)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(throws: LockStoreURLError.self) { try LockStoreURL.checkForm("mysql://db/jobs") }
        #expect(throws: PostgresError.self) { try LockStoreURL.checkForm("host=db dbname='jobs") }
    }

    @Test func existingOnlyRefusesAMissingFileOrTableAndCreatesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("missing.sqlite")
        let missing = #expect(throws: LockStoreNotFoundError.self) {
            try LockStoreURL.makeStore("sqlite:" + path, opening: .existingOnly)
        }
        #expect(missing?.missing == .file(path: path))
        #expect(!FileManager.default.fileExists(atPath: path))

        var configuration = SQLiteLockStore.Configuration()
        configuration.migratesAutomatically = false
        let bare = try SQLiteLockStore(path: path, configuration: configuration)
        let noTable = #expect(throws: LockStoreNotFoundError.self) {
            try LockStoreURL.makeStore("sqlite:" + path, opening: .existingOnly)
        }
        #expect(noTable?.missing == .table("jobkit_locks"))
        #expect(noTable?.description.contains("`jobkit migrate`") == true)
        #expect(try !bare.schemaExists())

        try bare.migrate()
        #expect(try LockStoreURL.makeStore("sqlite:" + path, opening: .existingOnly).locks().isEmpty)
    }

    @Test func defaultStoreURLPrefersTheEnvironment() throws {
        #expect(LockStoreURL.defaultStoreURL(environment: [:]) == "sqlite:jobkit.sqlite")
        #expect(LockStoreURL.defaultStoreURL(environment: ["JOBKIT_DATABASE_URL": "  "]) == LockStoreURL.defaultURL)
        #expect(LockStoreURL.defaultStoreURL(environment: ["JOBKIT_DATABASE_URL": "memory:"]) == "memory:")
        #expect(try LockStoreURL.makeDefaultStore(environment: ["JOBKIT_DATABASE_URL": "memory:"]) is InMemoryLockStore)
    }
}
