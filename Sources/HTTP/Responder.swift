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

/// A responder followed by its middleware, outermost first.
public struct MiddlewareChain: Responder {
    let middleware: [any Middleware]
    let responder: any Responder

    public init(_ middleware: [any Middleware], responder: any Responder) {
        self.middleware = middleware
        self.responder = responder
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
