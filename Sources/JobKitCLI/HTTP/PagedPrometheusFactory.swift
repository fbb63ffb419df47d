import CoreMetrics
import Prometheus
import Synchronization

/// A swift-metrics factory over swift-prometheus whose cost of registering a metric does not
/// grow with the number of label sets its name already has.
///
/// swift-prometheus 2.4's registry copies a metric name's whole dictionary of label sets to add
/// one (it still holds the old value while it builds the new one), so registering N label sets
/// of one name costs N²: for a scheduler with 10,000 jobs (three counters each at start, and
/// more at each job's first run) that was 98% of the start-up. This factory spreads each name's
/// label sets over several registries ("pages") of at most ``pageSize`` each, placed in the
/// order they first come, so one registration copies at most one page's dictionary; it
/// remembers which page holds each label set, so a metric made again is the same metric.
/// ``emit(into:)`` writes the pages' metrics as one exposition, every name once with all its
/// label sets.
///
/// A destroyed metric's place is not reused: its label set, if made again, goes to the same page.
final class PagedPrometheusFactory: MetricsFactory {
    /// A metric name and its labels, as the pages' factories name them.
    private struct Key: Hashable {
        let name: String
        let labels: [(String, String)]

        static func == (a: Key, b: Key) -> Bool {
            a.name == b.name && a.labels.elementsEqual(b.labels) { $0.0 == $1.0 && $0.1 == $1.1 }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            for (label, value) in labels {
                hasher.combine(label)
                hasher.combine(value)
            }
        }
    }

    private struct State {
        var pages: [PrometheusMetricsFactory] = []
        /// The page of every label set made so far.
        var placed: [Key: Int] = [:]
        /// How many label sets each name has.
        var counts: [String: Int] = [:]
    }

    /// The most label sets of one name that one page holds.
    let pageSize: Int
    /// The settings every page's factory copies (buckets, sanitizer); its registry is not used.
    private let template: PrometheusMetricsFactory
    private let state = Mutex(State())

    /// Creates a factory whose pages copy `template`'s settings.
    init(template: PrometheusMetricsFactory, pageSize: Int = 256) {
        precondition(pageSize > 0, "a page holds at least one label set")
        self.template = template
        self.pageSize = pageSize
    }

    /// How many registries the metrics are spread over.
    var pageCount: Int { state.withLock { $0.pages.count } }

    /// The factory of the page that holds (or will hold) the metric `label` with `dimensions`.
    private func page(_ label: String, _ dimensions: [(String, String)]) -> PrometheusMetricsFactory {
        let (name, labels) = template.nameAndLabelSanitizer(label, dimensions)
        let key = Key(name: name, labels: labels)
        return state.withLock { state in
            let index: Int
            if let placed = state.placed[key] {
                index = placed
            } else {
                let count = state.counts[name, default: 0]
                state.counts[name] = count + 1
                index = count / pageSize
                state.placed[key] = index
            }
            while state.pages.count <= index {
                var page = template
                page.registry = PrometheusCollectorRegistry()
                state.pages.append(page)
            }
            return state.pages[index]
        }
    }

    private var pages: [PrometheusMetricsFactory] { state.withLock { $0.pages } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        page(label, dimensions).makeCounter(label: label, dimensions: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        page(label, dimensions).makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        page(label, dimensions).makeMeter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        page(label, dimensions).makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        page(label, dimensions).makeTimer(label: label, dimensions: dimensions)
    }

    // A page's registry ignores a metric it does not hold, so each destroy asks every page.

    func destroyCounter(_ handler: any CounterHandler) {
        for page in pages { page.destroyCounter(handler) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        for page in pages { page.destroyFloatingPointCounter(handler) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        for page in pages { page.destroyMeter(handler) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        for page in pages { page.destroyRecorder(handler) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        for page in pages { page.destroyTimer(handler) }
    }

    /// Every metric of every page in the Prometheus text format: each name's `# HELP` and
    /// `# TYPE` lines once, followed by its samples from all pages.
    func emit(into buffer: inout [UInt8]) {
        let pages = self.pages
        guard pages.count > 1 else {
            pages.first?.registry.emit(into: &buffer)
            return
        }
        var order: [ArraySlice<UInt8>] = []
        var families: [ArraySlice<UInt8>: (headers: [ArraySlice<UInt8>], samples: [ArraySlice<UInt8>])] = [:]
        for page in pages {
            var text: [UInt8] = []
            page.registry.emit(into: &text)
            var current: ArraySlice<UInt8> = []
            for line in text.split(separator: UInt8(ascii: "\n")) {
                guard let name = Self.familyName(ofHeader: line) else {
                    families[current, default: ([], [])].samples.append(line)
                    continue
                }
                current = name
                if families[name] == nil {
                    order.append(name)
                    families[name] = ([], [])
                }
                // Every page repeats a name's headers: keep one of each.
                if families[name]?.headers.contains(line) == false { families[name]?.headers.append(line) }
            }
        }
        for name in order {
            guard let family = families[name] else { continue }
            for line in family.headers + family.samples {
                buffer.append(contentsOf: line)
                buffer.append(UInt8(ascii: "\n"))
            }
        }
    }

    /// The metric name of a `# HELP name …` or `# TYPE name …` line; nil for a sample line.
    private static func familyName(ofHeader line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard line.starts(with: "# HELP ".utf8) || line.starts(with: "# TYPE ".utf8) else { return nil }
        let rest = line.dropFirst(7)
        return rest.prefix { $0 != UInt8(ascii: " ") }
    }
}
