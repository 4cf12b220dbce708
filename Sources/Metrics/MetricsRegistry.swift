import Foundation
import Synchronization

/// Counters, gauges and histograms in the Prometheus text format, kept in one mutex. Small on purpose: the server
/// needs a handful of series, and their cardinality is bounded by route patterns and fixed vocabularies.
public final class MetricsRegistry: Sendable {
    struct Histogram {
        var buckets: [Double]
        var counts: [Int]
        var sum = 0.0
        var count = 0
    }

    struct State {
        var counters: [String: [String: Double]] = [:]
        var histograms: [String: [String: Histogram]] = [:]
        var help: [String: (type: String, text: String)] = [:]
    }

    private let state = Mutex(State())
    /// Gauges read when scraped (queue length and the like), so they are never stale.
    private let gauges = Mutex<[(name: String, help: String, read: @Sendable () async -> Double)]>([])

    public init() {}

    public func describe(_ name: String, type: String, help: String) {
        state.withLock { $0.help[name] = (type, help) }
    }

    public func increment(_ name: String, labels: [String: String] = [:], by value: Double = 1) {
        let key = Self.labelText(labels)
        state.withLock { $0.counters[name, default: [:]][key, default: 0] += value }
    }

    public func observe(_ name: String, _ value: Double, labels: [String: String] = [:], buckets: [Double]) {
        let key = Self.labelText(labels)
        state.withLock { state in
            var histogram =
                state.histograms[name]?[key]
                ?? Histogram(buckets: buckets, counts: Array(repeating: 0, count: buckets.count))
            for (index, bound) in histogram.buckets.enumerated() where value <= bound { histogram.counts[index] += 1 }
            histogram.sum += value
            histogram.count += 1
            state.histograms[name, default: [:]][key] = histogram
        }
    }

    public func gauge(_ name: String, help: String, read: @escaping @Sendable () async -> Double) {
        gauges.withLock { $0.append((name, help, read)) }
    }

    /// The text exposition format, version 0.0.4.
    public func render() async -> String {
        var lines: [String] = []
        let snapshot = state.withLock { $0 }
        for name in snapshot.counters.keys.sorted() {
            let help = snapshot.help[name]
            lines.append("# HELP \(name) \(help?.text ?? name)")
            lines.append("# TYPE \(name) \(help?.type ?? "counter")")
            for (labels, value) in snapshot.counters[name]!.sorted(by: { $0.key < $1.key }) {
                lines.append("\(name)\(labels) \(Self.number(value))")
            }
        }
        for name in snapshot.histograms.keys.sorted() {
            let help = snapshot.help[name]
            lines.append("# HELP \(name) \(help?.text ?? name)")
            lines.append("# TYPE \(name) histogram")
            for (labels, histogram) in snapshot.histograms[name]!.sorted(by: { $0.key < $1.key }) {
                let inner = labels.isEmpty ? "" : String(labels.dropFirst().dropLast()) + ","
                for (bound, count) in zip(histogram.buckets, histogram.counts) {
                    lines.append("\(name)_bucket{\(inner)le=\"\(Self.number(bound))\"} \(count)")
                }
                lines.append("\(name)_bucket{\(inner)le=\"+Inf\"} \(histogram.count)")
                lines.append("\(name)_sum\(labels) \(Self.number(histogram.sum))")
                lines.append("\(name)_count\(labels) \(histogram.count)")
            }
        }
        for gauge in gauges.withLock({ $0 }) {
            lines.append("# HELP \(gauge.name) \(gauge.help)")
            lines.append("# TYPE \(gauge.name) gauge")
            lines.append("\(gauge.name) \(Self.number(await gauge.read()))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func labelText(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "" }
        let pairs = labels.sorted { $0.key < $1.key }.map { key, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"",
                with: "\\\""
            )
            .replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(escaped)\""
        }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
