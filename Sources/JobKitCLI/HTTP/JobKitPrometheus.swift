import CoreMetrics
import Foundation
import JobKit
import Prometheus

/// The Prometheus metrics that `JobKitCLI.main` bootstraps swift-metrics with, and that
/// `jobkit run --http` serves at `/metrics`.
enum JobKitPrometheus {
    /// Where every metric of the process goes: swift-prometheus registries, in pages so that
    /// thousands of jobs register their metrics in linear time (see ``PagedPrometheusFactory``).
    static let metrics = PagedPrometheusFactory(template: factory())

    /// Bootstraps `MetricsSystem` with ``metrics``. Call once per process.
    static func bootstrap() {
        MetricsSystem.bootstrap(metrics)
    }

    /// swift-prometheus's factory with JobKit's histogram buckets: runs of seconds to an hour,
    /// start lateness of milliseconds to a minute.
    private static func factory() -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory()
        factory.durationHistogramBuckets = [
            JobMetric.runDuration.rawValue: [
                .milliseconds(10), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15),
                .seconds(60), .seconds(300), .seconds(900), .seconds(1800), .seconds(3600),
            ],
            JobMetric.startLateness.rawValue: [
                .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500),
                .seconds(1), .seconds(5), .seconds(15), .seconds(60),
            ],
        ]
        return factory
    }

    /// Every metric of ``metrics`` and the process metrics, in the Prometheus text format.
    static func exposition() -> String {
        var buffer: [UInt8] = []
        metrics.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self) + ProcessMetrics.text()
    }
}
