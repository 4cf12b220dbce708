import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// The server's metrics: counters, histograms and gauges reported through swift-metrics (`CoreMetrics`) to a
/// swift-prometheus registry, which prints the Prometheus text format. `factory` can also be bootstrapped as the
/// process's `MetricsSystem`, so that what libraries report through swift-metrics (the PostgreSQL client, say)
/// is on `/metrics` too. Label values are kept in bounded vocabularies (route patterns, statuses, verdicts).
public final class MetricsRegistry: Sendable {
    /// Where the values are kept and printed from.
    public let prometheus: PrometheusCollectorRegistry
    /// swift-metrics' way in: our own series with their help text and buckets, anything else as Prometheus's
    /// factory makes it.
    public let factory: any MetricsFactory

    struct Description {
        var help: String
        var buckets: [Double]?
    }

    private let descriptions: Descriptions
    /// Gauges read when scraped (queue length and the like), so they are never stale.
    private let gauges = Mutex<[(name: String, read: @Sendable () async -> Double)]>([])

    public init(prometheus: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.prometheus = prometheus
        let descriptions = Descriptions()
        self.descriptions = descriptions
        factory = DescribedFactory(
            base: PrometheusMetricsFactory(registry: prometheus),
            registry: prometheus,
            descriptions: descriptions
        )
    }

    /// Makes `factory` the process's swift-metrics backend (`MetricsSystem.bootstrap`); once per process.
    public func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(factory)
    }

    /// Gives a series its help text (printed as `# HELP`); `type` is the Prometheus type it is reported as.
    /// Describe a series before its first use: swift-prometheus insists that a name keeps the help it was first
    /// made with, so a description that comes after is ignored (rather than stopping the process).
    public func describe(_ name: String, type: String, help: String) {
        descriptions.describe(name, help: help)
    }

    /// Adds `value` (1 by default) to the counter `name` with these labels.
    public func increment(_ name: String, labels: [String: String] = [:], by value: Double = 1) {
        let dimensions = Self.dimensions(labels)
        if value == value.rounded(), abs(value) < 1e15 {
            Counter(label: name, dimensions: dimensions, factory: factory).increment(by: Int64(value))
        } else {
            FloatingPointCounter(label: name, dimensions: dimensions, factory: factory).increment(by: value)
        }
    }

    /// Records `value` in the histogram `name`; `buckets` are its upper bounds, fixed at the first observation.
    public func observe(_ name: String, _ value: Double, labels: [String: String] = [:], buckets: [Double]) {
        descriptions.update(name) { if $0.buckets == nil { $0.buckets = buckets } }
        Recorder(label: name, dimensions: Self.dimensions(labels), aggregate: true, factory: factory).record(value)
    }

    /// A gauge whose value `read` gives at each scrape.
    public func gauge(_ name: String, help: String, read: @escaping @Sendable () async -> Double) {
        describe(name, type: "gauge", help: help)
        gauges.withLock { $0.append((name, read)) }
    }

    /// The text exposition format, version 0.0.4, the gauges read now.
    public func render() async -> String {
        for gauge in gauges.withLock({ $0 }) {
            Gauge(label: gauge.name, dimensions: [], factory: factory).record(await gauge.read())
        }
        return prometheus.emitToString()
    }

    /// Labels in name order, so a series always has the same text.
    static func dimensions(_ labels: [String: String]) -> [(String, String)] {
        labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The help texts and buckets by series name, and which series have been made (their help is then fixed).
    final class Descriptions: Sendable {
        private struct State {
            var byName: [String: Description] = [:]
            var made: Set<String> = []
        }
        private let state = Mutex(State())

        func update(_ name: String, _ change: (inout Description) -> Void) {
            state.withLock { change(&$0.byName[name, default: Description(help: "")]) }
        }

        func describe(_ name: String, help: String) {
            state.withLock { state in
                guard !state.made.contains(name) else { return }
                state.byName[name, default: Description(help: "")].help = help
            }
        }

        /// The description a series is made with; from now on its help stays as it is.
        func make(_ name: String) -> Description? {
            state.withLock { state in
                state.made.insert(name)
                return state.byName[name]
            }
        }
    }
}

/// Prometheus's swift-metrics factory, except that the series described in the registry get their help text and
/// buckets: swift-prometheus insists that every use of a name carries the same help.
struct DescribedFactory: MetricsFactory {
    let base: PrometheusMetricsFactory
    let registry: PrometheusCollectorRegistry
    let descriptions: MetricsRegistry.Descriptions

    private func descriptor(_ label: String) -> (MetricNameDescriptor, MetricsRegistry.Description)? {
        guard let description = descriptions.make(label) else { return nil }
        return (MetricNameDescriptor(metricName: label, unitName: "", helpText: description.help), description)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let (name, _) = descriptor(label) else { return base.makeCounter(label: label, dimensions: dimensions) }
        return registry.makeCounter(descriptor: name, labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        guard let (name, _) = descriptor(label) else {
            return base.makeFloatingPointCounter(label: label, dimensions: dimensions)
        }
        return registry.makeCounter(descriptor: name, labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard let (name, description) = descriptor(label) else {
            return base.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
        guard aggregate else { return registry.makeGauge(descriptor: name, labels: dimensions) }
        return registry.makeValueHistogram(
            descriptor: name,
            labels: dimensions,
            buckets: description.buckets ?? base.defaultValueHistogramBuckets
        )
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        base.makeMeter(label: label, dimensions: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        base.makeTimer(label: label, dimensions: dimensions)
    }

    func destroyCounter(_ handler: any CounterHandler) { base.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        base.destroyFloatingPointCounter(handler)
    }
    func destroyRecorder(_ handler: any RecorderHandler) { base.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { base.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) { base.destroyTimer(handler) }
}
