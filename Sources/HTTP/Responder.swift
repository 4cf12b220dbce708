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
///
/// Answers on the spot (`ImmediateResponder`) when its responder can and every middleware is an
/// `ImmediateMiddleware`; otherwise every request takes the async path.
public struct MiddlewareChain: Responder, RequestRouting, ImmediateResponder {
    let middleware: [any Middleware]
    let responder: any Responder
    private let routing: (any RequestRouting)?
    private let immediate: ImmediateLink?

    public init(_ middleware: [any Middleware], responder: any Responder) {
        self.middleware = middleware
        self.responder = responder
        self.routing = responder as? any RequestRouting
        let immediateMiddleware = middleware.compactMap { $0 as? any ImmediateMiddleware }
        if immediateMiddleware.count == middleware.count, let last = responder as? any ImmediateResponder {
            immediate = ImmediateLink(middleware: immediateMiddleware[...], responder: last)
        } else {
            immediate = nil
        }
    }

    public func respondImmediately(to request: Request) throws -> Response? {
        try immediate?.respondImmediately(to: request)
    }

    private struct ImmediateLink: ImmediateResponder {
        let middleware: ArraySlice<any ImmediateMiddleware>
        let responder: any ImmediateResponder

        func respondImmediately(to request: Request) throws -> Response? {
            guard let first = middleware.first else { return try responder.respondImmediately(to: request) }
            return try first.respondImmediately(
                to: request,
                next: ImmediateLink(middleware: middleware.dropFirst(), responder: responder)
            )
        }
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
