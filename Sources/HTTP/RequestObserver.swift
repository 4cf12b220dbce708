/// Told about every answered request, on whichever thread answered it: for metrics. Must be quick and thread-safe.
public protocol RequestObserver: Sendable {
    /// - Parameters:
    ///   - route: the pattern of the route the request matched (`/api/v1/questions/{id}`), nil when none did.
    ///   - seconds: from the request head read to the answer queued.
    func didAnswer(method: String, path: String, route: String?, status: HTTPStatus, seconds: Double)
}
