/// Told about every answered request, on whichever thread answered it: for metrics. Must be quick and thread-safe.
public protocol RequestObserver: Sendable {
    func didAnswer(method: String, path: String, status: Int, seconds: Double)
}
