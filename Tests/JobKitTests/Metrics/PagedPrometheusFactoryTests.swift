import CoreMetrics
@testable import JobKitCLI
import Prometheus
import Testing

/// The factory `jobkit` bootstraps swift-metrics with: swift-prometheus registries in pages of
/// a few label sets each, written out as one exposition. Each test makes its own factory, so
/// nothing bootstraps the process-wide `MetricsSystem`.
@Suite struct PagedPrometheusFactoryTests {
    /// The sample lines of `text` whose name and labels are `series` (the line up to its value).
    static func values(of series: String, in text: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix(series + " ") }.map { String($0.dropFirst(series.count + 1)) }
    }

    static func text(_ factory: PagedPrometheusFactory) -> String {
        var buffer: [UInt8] = []
        factory.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func labelSetsSpreadOverPagesAreWrittenAsOneMetricEachOnce() {
        let factory = PagedPrometheusFactory(template: PrometheusMetricsFactory(), pageSize: 4)
        for job in 0..<10 {
            factory.makeCounter(label: "paged_runs_total", dimensions: [("job", "j\(job)")]).increment(by: Int64(job))
        }
        #expect(factory.pageCount == 3, "ten label sets, four to a page")

        let text = Self.text(factory)
        #expect(text.split(separator: "\n").filter { $0 == "# TYPE paged_runs_total counter" }.count == 1)
        for job in 0..<10 {
            #expect(Self.values(of: #"paged_runs_total{job="j\#(job)"}"#, in: text) == ["\(job)"])
        }
        // Every sample follows the one TYPE line: no other name's lines sit between them.
        let lines = text.split(separator: "\n")
        let type = lines.firstIndex(of: "# TYPE paged_runs_total counter")!
        #expect(lines[(type + 1)...].prefix(10).allSatisfy { $0.hasPrefix("paged_runs_total{") })
    }

    @Test func aLabelSetMadeAgainIsTheSameMetricOnTheSamePage() {
        let factory = PagedPrometheusFactory(template: PrometheusMetricsFactory(), pageSize: 2)
        for job in 0..<5 { _ = factory.makeCounter(label: "again_total", dimensions: [("job", "j\(job)")]) }
        factory.makeCounter(label: "again_total", dimensions: [("job", "j0")]).increment(by: 2)
        factory.makeFloatingPointCounter(label: "again_total", dimensions: [("job", "j0")]).increment(by: 1.0)
        factory.makeCounter(label: "again_total", dimensions: [("job", "j4")]).increment(by: 5)

        #expect(factory.pageCount == 3)
        let text = Self.text(factory)
        #expect(Self.values(of: #"again_total{job="j0"}"#, in: text) == ["3.0"])
        #expect(Self.values(of: #"again_total{job="j4"}"#, in: text) == ["5"])
    }

    @Test func histogramsAndGaugesOfSeveralNamesKeepTheirOwnLines() {
        let factory = PagedPrometheusFactory(template: PrometheusMetricsFactory(), pageSize: 1)
        for job in ["a", "b", "c"] {
            factory.makeTimer(label: "paged_duration_seconds", dimensions: [("job", job)]).recordNanoseconds(2_000_000_000)
            factory.makeMeter(label: "paged_running", dimensions: [("job", job)]).set(1.0)
        }
        factory.makeMeter(label: "paged_up", dimensions: []).set(1.0)

        let text = Self.text(factory)
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("# TYPE paged_duration_seconds ") } == ["# TYPE paged_duration_seconds histogram"])
        #expect(lines.filter { $0.hasPrefix("# TYPE paged_running ") } == ["# TYPE paged_running gauge"])
        for job in ["a", "b", "c"] {
            #expect(Self.values(of: #"paged_duration_seconds_count{job="\#(job)"}"#, in: text) == ["1"])
            #expect(Self.values(of: #"paged_duration_seconds_bucket{job="\#(job)",le="+Inf"}"#, in: text) == ["1"])
            #expect(Self.values(of: #"paged_running{job="\#(job)"}"#, in: text) == ["1.0"])
        }
        #expect(Self.values(of: "paged_up", in: text) == ["1.0"])
        // Each name's lines are together, after its TYPE line.
        var seen: [Substring] = []
        for line in lines where line.hasPrefix("# TYPE ") { seen.append(line.split(separator: " ")[2]) }
        #expect(Set(seen).count == seen.count, "one TYPE line per name: \(seen)")
    }

    @Test func onePageWritesWhatItsRegistryWrites() {
        let factory = PagedPrometheusFactory(template: PrometheusMetricsFactory(), pageSize: 8)
        factory.makeCounter(label: "single_total", dimensions: [("job", "a")]).increment(by: 1)
        factory.makeTimer(label: "single_seconds", dimensions: []).recordNanoseconds(1_000)
        #expect(factory.pageCount == 1)
        let text = Self.text(factory)
        #expect(Self.values(of: #"single_total{job="a"}"#, in: text) == ["1"])
        #expect(Self.values(of: "single_seconds_count", in: text) == ["1"])
    }
}
