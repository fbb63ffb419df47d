import CoreMetrics
import Foundation
import JobKit
import Prometheus

/// The Prometheus registry that `JobKitCLI.main` bootstraps swift-metrics with, and that
/// `jobkit run --http` serves at `/metrics`.
enum JobKitPrometheus {
    /// The registry every metric of the process goes to.
    static let registry = PrometheusCollectorRegistry()

    /// Bootstraps `MetricsSystem` with ``registry``; histogram buckets suit runs of seconds to
    /// an hour and start lateness of milliseconds to a minute. Call once per process.
    static func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
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
        MetricsSystem.bootstrap(factory)
    }

    /// Every metric of ``registry`` and the process metrics, in the Prometheus text format.
    static func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self) + ProcessMetrics.text()
    }
}
