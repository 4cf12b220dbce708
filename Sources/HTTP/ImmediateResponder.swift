/// A responder that can answer some requests on the spot, on libmicrohttpd's own thread, without suspending the
/// connection or starting a Task. Worth it only for answers that are ready in memory (the health check, the
/// pre-encoded question lists): for those the suspend/resume round trip costs more than the work.
///
/// An immediate answer takes the same way as any other: the request was routed once, its middleware run (each an
/// `ImmediateMiddleware`), and an error thrown is mapped by the one mapping (`ErrorMiddleware.mapping`); the
/// server logs and counts it like every answer. A request answered here is never run again on the async path.
public protocol ImmediateResponder: Sendable {
    /// - Returns: the answer, or nil when the request must take the async path (its handler may wait).
    /// - Throws: what the handler threw; the server maps it to a problem response.
    func respondImmediately(to request: Request) throws -> Response?
}

/// Middleware that also wraps answers made on the spot. A `MiddlewareChain` answers immediately only when all of
/// its middleware are of this kind, so no middleware is ever skipped.
public protocol ImmediateMiddleware: Middleware {
    func respondImmediately(to request: Request, next: any ImmediateResponder) throws -> Response?
}
