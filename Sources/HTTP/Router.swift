/// Routes requests by method and path pattern. Patterns are literal segments and `{name}` parameters
/// (`/api/v1/questions/{id}`); a path that matches with another method answers 405 with `Allow`, one that matches
/// nothing goes to the fallback (static files), else 404.
///
/// A request is routed once (`route(_:)`, which the server calls as soon as the request head is read): the
/// decision, the path parameters and the route's pattern travel with the request, and `respond(to:)` only follows it.
public struct Router: Responder, RequestRouting, ImmediateResponder {
    struct Route: Sendable {
        enum Segment: Sendable, Equatable {
            case literal(String)
            case parameter(String)
        }
        let method: String
        let pattern: String
        let segments: [Segment]
        let responder: any Responder
        /// Set for handlers that never wait: the bridge may run these on its own thread.
        /// It returns nil when the async handler must answer after all.
        var immediate: (@Sendable (Request) throws -> Response?)?
    }

    /// Where a request goes.
    enum Destination: Sendable {
        case route(Int)
        case methodNotAllowed([String])
        case fallback
        case notFound
    }

    private var routes: [Route] = []
    private var fallback: (any Responder)?

    public init() {}

    public mutating func on(
        _ method: String,
        _ pattern: String,
        _ handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        add(method, pattern, ClosureResponder(handler))
    }

    public mutating func add(_ method: String, _ pattern: String, _ responder: any Responder) {
        let segments = Self.split(pattern).map { part -> Route.Segment in
            if part.hasPrefix("{"), part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
        routes.append(Route(method: method.uppercased(), pattern: pattern, segments: segments, responder: responder))
    }

    public mutating func get(_ pattern: String, _ handler: @escaping @Sendable (Request) async throws -> Response) {
        on("GET", pattern, handler)
    }

    /// A GET handler that answers from memory and never waits: the server may run it on libmicrohttpd's thread
    /// (see `ImmediateResponder`), through the same middleware and error mapping as any route.
    public mutating func getImmediate(_ pattern: String, _ handler: @escaping @Sendable (Request) throws -> Response) {
        on("GET", pattern) { try handler($0) }
        routes[routes.count - 1].immediate = handler
    }

    /// A GET route with a fast path: `immediate` answers from memory when it can, and returns nil to leave the
    /// request to `handler`, which may wait (a store read).
    public mutating func get(
        _ pattern: String,
        immediate: @escaping @Sendable (Request) throws -> Response?,
        _ handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        on("GET", pattern, handler)
        routes[routes.count - 1].immediate = immediate
    }

    public mutating func post(_ pattern: String, _ handler: @escaping @Sendable (Request) async throws -> Response) {
        on("POST", pattern, handler)
    }

    /// Answers GET and HEAD requests that no route matched (the static files).
    public mutating func setFallback(_ responder: any Responder) {
        fallback = responder
    }

    /// Decides where the request goes, once: sets its destination, its path parameters and its `route` pattern.
    /// A request already routed is left as it is.
    public func route(_ request: inout Request) {
        guard request.destination == nil else { return }
        let parts = Self.split(request.path)
        let method = request.method == "HEAD" ? "GET" : request.method
        var allowed: [String] = []
        for (index, route) in routes.enumerated() {
            guard let parameters = Self.match(route.segments, parts) else { continue }
            if route.method == method {
                request.parameters = parameters
                request.route = route.pattern
                request.destination = .route(index)
                return
            }
            allowed.append(route.method)
        }
        if !allowed.isEmpty {
            if allowed.contains("GET") { allowed.append("HEAD") }
            request.destination = .methodNotAllowed(Array(Set(allowed)).sorted())
        } else if fallback != nil, method == "GET" || !request.path.hasPrefix("/api/") {
            request.destination = .fallback
        } else {
            request.destination = .notFound
        }
    }

    public func respond(to request: Request) async throws -> Response {
        var request = request
        route(&request)
        switch request.destination {
        case .route(let index):
            return try await routes[index].responder.respond(to: request)
        case .methodNotAllowed(let allowed):
            throw HTTPError.methodNotAllowed(allowed: allowed)
        case .fallback:
            let method = request.method == "HEAD" ? "GET" : request.method
            guard let fallback, method == "GET" else { throw HTTPError.methodNotAllowed(allowed: ["GET", "HEAD"]) }
            return try await fallback.respond(to: request)
        case .notFound, nil:
            throw HTTPError.notFound("There is nothing at \(request.path).")
        }
    }

    /// Runs the request's handler on the spot when its route is an immediate one; nil otherwise.
    public func respondImmediately(to request: Request) throws -> Response? {
        var request = request
        route(&request)
        guard case .route(let index) = request.destination, let immediate = routes[index].immediate else {
            return nil
        }
        return try immediate(request)
    }

    /// The pattern of the route a request goes to (`/api/v1/questions/{id}`), or nil when none matches.
    public func pattern(method: String, path: String) -> String? {
        var request = Request(method: method, path: path)
        route(&request)
        return request.route
    }

    static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    static func match(_ segments: [Route.Segment], _ parts: [Substring]) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let literal): if literal != part { return nil }
            case .parameter(let name): parameters[name] = String(part)
            }
        }
        return parameters
    }
}

/// A responder that can decide where a request goes before running it, so the server routes each request once,
/// as soon as its head is read, and knows the route's pattern for its log and metrics whatever answers.
public protocol RequestRouting: Sendable {
    func route(_ request: inout Request)
}
