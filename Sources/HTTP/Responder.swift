/// Anything that turns a request into a response. One method, so handlers, routers and middleware chains compose.
public protocol Responder: Sendable {
    func respond(to request: Request) async throws -> Response
}

/// A responder made from a closure.
public struct ClosureResponder: Responder {
    let closure: @Sendable (Request) async throws -> Response

    public init(_ closure: @escaping @Sendable (Request) async throws -> Response) {
        self.closure = closure
    }

    public func respond(to request: Request) async throws -> Response {
        try await closure(request)
    }
}

/// Wraps a responder: logging, error mapping, compression and the like.
public protocol Middleware: Sendable {
    func respond(to request: Request, next: any Responder) async throws -> Response
}

/// A responder followed by its middleware, outermost first. Routes like its responder when that is a router, so
/// the server can route a request once, before any middleware runs.
public struct MiddlewareChain: Responder, RequestRouting {
    let middleware: [any Middleware]
    let responder: any Responder
    private let routing: (any RequestRouting)?

    public init(_ middleware: [any Middleware], responder: any Responder) {
        self.middleware = middleware
        self.responder = responder
        self.routing = responder as? any RequestRouting
    }

    public func route(_ request: inout Request) {
        routing?.route(&request)
    }

    public func respond(to request: Request) async throws -> Response {
        try await Link(middleware: middleware[...], responder: responder).respond(to: request)
    }

    private struct Link: Responder {
        let middleware: ArraySlice<any Middleware>
        let responder: any Responder

        func respond(to request: Request) async throws -> Response {
            guard let first = middleware.first else { return try await responder.respond(to: request) }
            return try await first.respond(
                to: request,
                next: Link(middleware: middleware.dropFirst(), responder: responder)
            )
        }
    }
}
