/// The figures of one fleet of `jobkit-bench burst`.
struct BurstMeasurement {
    var runs: Int
    /// Start lateness (ms) of the runs of the measured ticks.
    var lateness: Percentiles
    var statements: Double
    var walFlushes: Double?
    /// WAL written per tick instant, in MiB.
    var walMiB: Double?
    var duplicates: Int
    var gaps: Int
    /// CPU per process, as a fraction of one core.
    var cpu: Percentiles
    var uncleanExits: Int
    var notes: [String]

    /// The report's rows, their JSON keys and labels prefixed.
    func rows(keyPrefix: String, labelPrefix: String) -> [(key: String, label: String, value: Any?)] {
        func ms(_ value: Double?) -> Fixed? { value.map { Fixed(value: $0) } }
        let rows: [(key: String, label: String, value: Any?)] = [
            ("runs", "runs in the measured ticks", runs),
            ("start_p50_ms", "run start after its tick p50 (ms)", ms(lateness.value(at: 0.5))),
            ("start_p99_ms", "run start after its tick p99 (ms)", ms(lateness.value(at: 0.99))),
            ("start_max_ms", "run start after its tick max (ms)", ms(lateness.max)),
            ("statements_per_job_tick", "statements per (job, tick)", Fixed(value: statements, decimals: 4)),
            ("wal_flushes_per_tick", "WAL flushes per tick", walFlushes.map { Fixed(value: $0, decimals: 1) }),
            ("wal_mib_per_tick", "WAL written per tick (MiB)", walMiB.map { Fixed(value: $0, decimals: 2) }),
            ("duplicates", "ticks run more than once", duplicates),
            ("gaps", "ticks not run", gaps),
            ("cpu_per_process_median", "CPU per process, median (fraction of a core)", cpu.value(at: 0.5).map { Fixed(value: $0) }),
            ("cpu_per_process_max", "CPU per process, highest (fraction of a core)", cpu.max.map { Fixed(value: $0) }),
            ("unclean_exits", "processes that did not exit 0", uncleanExits),
        ]
        return rows.map { (keyPrefix + $0.key, labelPrefix + $0.label, $0.value) }
    }
}
