import Grader
import HTTP
import Metrics
import QuizCore

/// The server's metrics: requests by route and status, grading latency, outcomes, and the grading queue.
public struct AppMetrics: RequestObserver {
    public let registry: MetricsRegistry

    static let requestBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let gradingBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20]

    init(registry: MetricsRegistry, grader: GradingPool) {
        self.registry = registry
        registry.gauge("grading_queue_length", help: "Code submissions waiting for a grader.") {
            Double(grader.queueLength)
        }
        registry.gauge("grading_active", help: "Code submissions being graded now.") {
            Double(grader.activeCount)
        }
    }

    /// Gives the series their help text. Called once, when the registry is made: swift-prometheus requires a
    /// series' help to be the same at every use, so it must be known before the first.
    static func describe(_ registry: MetricsRegistry) {
        registry.describe(
            "http_requests_total",
            type: "counter",
            help: "Requests answered, by route pattern, method and status."
        )
        registry.describe(
            "http_request_duration_seconds",
            type: "histogram",
            help: "Time from request head to answer, by route."
        )
        registry.describe(
            "grading_duration_seconds",
            type: "histogram",
            help: "Time to grade one code submission, queue included."
        )
        registry.describe(
            "grading_verdicts_total",
            type: "counter",
            help: "Graded code submissions by question and verdict."
        )
        registry.describe(
            "grading_task_statuses_total",
            type: "counter",
            help: "Example task outcomes in the sandbox, by status."
        )
    }

    /// - Parameter route: the pattern the request was routed to once, by the server; nil when no route matched.
    public func didAnswer(method: String, path: String, route: String?, status: HTTPStatus, seconds: Double) {
        let route = route ?? (path.hasPrefix("/api/") ? "unmatched" : "static")
        registry.increment(
            "http_requests_total",
            labels: ["route": route, "method": method, "status": status.description]
        )
        registry.observe(
            "http_request_duration_seconds",
            seconds,
            labels: ["route": route],
            buckets: Self.requestBuckets
        )
    }

    static func graded(_ result: AttemptResult, seconds: Double, registry: MetricsRegistry) {
        registry.observe("grading_duration_seconds", seconds, buckets: Self.gradingBuckets)
        registry.increment(
            "grading_verdicts_total",
            labels: ["question": result.question, "verdict": result.verdict.rawValue]
        )
        for task in result.tasks ?? [] {
            registry.increment("grading_task_statuses_total", labels: ["status": task.status])
        }
    }
}
