import Testing

/// The `jobkit` executable, started as a real OS process: what the scheduler issue says must
/// be shown end to end. Each test has a temporary directory and an SQLite file of its own, so
/// the suites run in parallel.
@Suite enum CLI {}
