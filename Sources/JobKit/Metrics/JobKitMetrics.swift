import CoreMetrics
import Synchronization

/// Where JobKit records its metrics (``JobMetric``): a swift-metrics factory, and the metric
/// objects made from it, each made once and reused.
///
/// JobKit never bootstraps `MetricsSystem`: the application does (the `jobkit` binary
/// bootstraps swift-prometheus; a binary of yours may choose any backend). ``global`` uses
/// whatever factory the application bootstrapped; a test or an embedding application that
/// wants its own backend sets ``DBMutex/metrics`` to an instance made with ``init(factory:)``.
public final class JobKitMetrics: Sendable {
    /// Metrics through the factory `MetricsSystem` was bootstrapped with: what every
    /// ``DBMutex`` uses unless told otherwise.
    public static let global = JobKitMetrics()

    /// A metric's name and the values of its (at most two) labels: made without an array, so
    /// looking up a metric that exists allocates nothing.
    private struct Key: Hashable {
        let name: String
        let first: String?
        let second: String?
    }

    /// One label: its name and value.
    private typealias Label = (name: String, value: String)

    private struct Shelves {
        var counters: [Key: Counter] = [:]
        var timers: [Key: Timer] = [:]
        var meters: [Key: Meter] = [:]
    }

    /// `nil`: `MetricsSystem.factory`, read when a metric is first made (after the application
    /// bootstrapped it), not when this object is.
    private let factory: (any MetricsFactory)?
    private let shelves = Mutex(Shelves())

    private init() { factory = nil }

    /// Metrics through `factory` instead of the bootstrapped one.
    public init(factory: any MetricsFactory) { self.factory = factory }

    // MARK: Recording

    /// A run ended; `outcome` is its ledger outcome name.
    func runEnded(job: String, outcome: String) {
        counter(.runs, (JobMetric.Label.job, job), (JobMetric.Label.outcome, outcome)).increment()
    }

    /// A fire did not run, for `reason` (a `job.skipped` reason).
    func skipped(job: String, reason: String) {
        counter(.skips, (JobMetric.Label.job, job), (JobMetric.Label.reason, reason)).increment()
    }

    /// A run overlapped another holder.
    func overlapped(job: String) {
        counter(.overlaps, (JobMetric.Label.job, job)).increment()
    }

    /// `count` ticks nobody ran (`job.missed`).
    func missed(job: String, count: Int) {
        counter(.missedTicks, (JobMetric.Label.job, job)).increment(by: count)
    }

    /// `count` ticks this process missed (`job.misfired`).
    func misfired(job: String, count: Int) {
        counter(.misfires, (JobMetric.Label.job, job)).increment(by: count)
    }

    /// A job's worker starts, `lateness` after its tick (`nil`: a run without a tick).
    func workerStarted(job: String, lateness: Duration?) {
        meter(.runningJobs).increment()
        if let lateness {
            timer(.startLateness, (JobMetric.Label.job, job)).recordNanoseconds(max(0, lateness.jobKitNanoseconds))
        }
    }

    /// A worker that ``workerStarted(job:lateness:)`` reported has returned after `duration`.
    func workerEnded(job: String, after duration: Duration) {
        meter(.runningJobs).decrement()
        timer(.runDuration, (JobMetric.Label.job, job)).recordNanoseconds(duration.jobKitNanoseconds)
    }

    /// Whether the store answered.
    func storeUp(_ up: Bool) {
        meter(.storeUp).set(up ? 1 : 0)
    }

    /// A critical section of the mutex without a job tried its lock: `acquired`, `held` or
    /// `already_ran`.
    func mutexAcquisition(_ outcome: String) {
        counter(.mutexAcquisitions, (JobMetric.Label.outcome, outcome)).increment()
    }

    /// A critical section of the mutex without a job overlapped another holder.
    func mutexOverlapped() {
        counter(.mutexOverlaps).increment()
    }

    /// Makes the counters an alert rule watches for `jobs` (overlaps, missed ticks, misfires)
    /// and the gauges, so they read 0 before the first event instead of being absent: a
    /// counter that appears at 1 hides its first increase from `increase()`.
    func prepare(jobs: [String]) {
        for job in jobs {
            for name in [JobMetric.overlaps, .missedTicks, .misfires] {
                _ = counter(name, (JobMetric.Label.job, job))
            }
        }
        meter(.runningJobs).increment(by: 0.0)
    }

    // MARK: Made once

    private func counter(_ name: JobMetric, _ first: Label? = nil, _ second: Label? = nil) -> Counter {
        made(\.counters, name, first, second) { factory, labels in
            factory.map { Counter(label: name.rawValue, dimensions: labels, factory: $0) }
                ?? Counter(label: name.rawValue, dimensions: labels)
        }
    }

    private func timer(_ name: JobMetric, _ first: Label? = nil, _ second: Label? = nil) -> Timer {
        made(\.timers, name, first, second) { factory, labels in
            factory.map { Timer(label: name.rawValue, dimensions: labels, factory: $0) }
                ?? Timer(label: name.rawValue, dimensions: labels)
        }
    }

    private func meter(_ name: JobMetric, _ first: Label? = nil, _ second: Label? = nil) -> Meter {
        made(\.meters, name, first, second) { factory, labels in
            factory.map { Meter(label: name.rawValue, dimensions: labels, factory: $0) }
                ?? Meter(label: name.rawValue, dimensions: labels)
        }
    }

    /// The metric of `name` with the labels `first` and `second` from `shelf`, made by `make`
    /// (given the labels as dimensions) the first time.
    private func made<Metric: Sendable>(
        _ shelf: WritableKeyPath<Shelves, [Key: Metric]>, _ name: JobMetric, _ first: Label?, _ second: Label?,
        make: ((any MetricsFactory)?, [(String, String)]) -> Metric
    ) -> Metric {
        let key = Key(name: name.rawValue, first: first?.value, second: second?.value)
        return shelves.withLock { shelves in
            if let existing = shelves[keyPath: shelf][key] { return existing }
            let labels = [first, second].compactMap { $0.map { ($0.name, $0.value) } }
            let metric = make(factory, labels)
            shelves[keyPath: shelf][key] = metric
            return metric
        }
    }
}
