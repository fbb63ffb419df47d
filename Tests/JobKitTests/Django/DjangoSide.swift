import Foundation
@_spi(Testing) import JobKit
import Testing

/// The Django side of the cross-language tests: the cached venv `scripts/test` prepared
/// (`JOBKIT_DJANGO_PYTHON`), `Tests/Django/djprobe.py`, and a schema of its own per test in
/// which Django's own migration created `db_mutex_dbmutex`.
///
/// django-db-mutex purges the expired rows of *every* lock id, so tests with short TTLs must
/// not share a table with others: each test gets its own schema. Swift processes reach it
/// through the URL's `options` (`-c search_path=…`), Python processes through `PGOPTIONS`.
struct DjangoSide {
    /// The schema holding this test's `db_mutex_dbmutex`.
    let schema: String
    /// `django+postgres://…` on the test database, with this schema first on the search path.
    let url: String
    /// An in-process store on this test's table.
    let store: DjangoLockStore

    /// Creates a schema named after `test` and runs Django's migration into it.
    init(test: String) async throws {
        let python = try Self.python
        let base = try TestDatabase.url
        schema = TestDatabase.tableName(for: "dj_" + test)
        try PostgresTestSQL.run(base, "CREATE SCHEMA \"\(schema)\"")
        let options = "-c search_path=\(schema)"
        let separator = base.contains("?") ? "&" : "?"
        url = "django+" + base + separator + "options=" + options.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        var configuration = DjangoLockStore.Configuration()
        configuration.table = try TableName("\(schema).db_mutex_dbmutex")
        store = try DjangoLockStore(url: base, configuration: configuration)
        pythonEnvironment = ["PGOPTIONS": options]

        let migration = try ProbeProcess(
            ["-m", "django", "migrate", "db_mutex", "--no-input"],
            executable: URL(fileURLWithPath: python), environment: pythonEnvironment.merging(Self.djangoEnvironment) { _, new in new }
        )
        let status = try await migration.waitForExit(timeout: .seconds(120))
        #expect(status == 0, "Django's migration into schema \(schema) failed (exit \(status))")
        try await store.migrate()
    }

    /// What every Python process of this test gets.
    let pythonEnvironment: [String: String]

    /// Starts `djprobe.py ARGUMENTS` with `environment` added (e.g. `DB_MUTEX_TTL_SECONDS`).
    func python(_ arguments: [String], environment: [String: String] = [:]) throws -> ProbeProcess {
        try ProbeProcess(
            [Self.directory + "/djprobe.py"] + arguments, executable: URL(fileURLWithPath: try Self.python),
            environment: pythonEnvironment.merging(Self.djangoEnvironment) { _, new in new }
                .merging(environment) { _, new in new }
        )
    }

    /// Starts `jobkit-probe ARGUMENTS` with `environment` added; `JOBKIT_DATABASE_URL` is this
    /// test's URL, for `withDBMutex`.
    func swift(_ arguments: [String], environment: [String: String] = [:]) throws -> ProbeProcess {
        try ProbeProcess(arguments, environment: ["JOBKIT_DATABASE_URL": url].merging(environment) { _, new in new })
    }

    /// The venv's python, or a failure saying why there is none. Never a skip.
    static var python: String {
        get throws {
            let environment = ProcessInfo.processInfo.environment
            if let python = environment["JOBKIT_DJANGO_PYTHON"], !python.isEmpty { return python }
            throw DjangoUnavailable(reason: environment["JOBKIT_DJANGO_SETUP_ERROR"])
        }
    }

    /// `Tests/Django`: the Django project and `djprobe.py`.
    static let directory = TestDatabase.packageRoot + "/Tests/Django"

    /// Where Python finds the settings module.
    static let djangoEnvironment = [
        "PYTHONPATH": directory, "DJANGO_SETTINGS_MODULE": "jobkit_django.settings", "PYTHONDONTWRITEBYTECODE": "1",
    ]

    struct DjangoUnavailable: Error, CustomStringConvertible {
        let reason: String?
        var description: String {
            "The Django side of the tests is not set up: "
                + (reason ?? "JOBKIT_DJANGO_PYTHON is not set; run the tests with scripts/test, which creates it")
        }
    }
}
