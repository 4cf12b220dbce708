/// A responder that can answer some requests on the spot, on libmicrohttpd's own thread, without suspending the
/// connection or hopping to a Task. Worth it only for answers that are ready in memory (the health check, the
/// pre-encoded question lists): for those the suspend/resume round trip costs more than the work. It returns nil
/// for everything else, which then takes the async path.
///
/// An immediate answer bypasses middleware; errors thrown by an immediate handler must be `ProblemConvertible`.
public protocol ImmediateResponder: Sendable {
    func respondImmediately(to request: Request) -> Response?
}
