/// Routes requests by method and path pattern. Patterns are literal segments and `{name}` parameters
/// (`/api/v1/questions/{id}`); a path that matches with another method answers 405 with `Allow`, one that matches
/// nothing goes to the fallback (static files), else 404.
public struct Router: Responder, ImmediateResponder {
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

    /// A GET handler that answers from memory and never waits: it may be run on libmicrohttpd's thread directly.
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

    public func respond(to request: Request) async throws -> Response {
        let parts = Self.split(request.path)
        let method = request.method == "HEAD" ? "GET" : request.method
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.match(route.segments, parts) else { continue }
            if route.method == method {
                var request = request
                request.parameters = parameters
                return try await route.responder.respond(to: request)
            }
            allowed.append(route.method)
        }
        if !allowed.isEmpty {
            if allowed.contains("GET") { allowed.append("HEAD") }
            throw HTTPError.methodNotAllowed(allowed: Array(Set(allowed)).sorted())
        }
        if let fallback, method == "GET" {
            return try await fallback.respond(to: request)
        }
        if fallback != nil, !request.path.hasPrefix("/api/") {
            throw HTTPError.methodNotAllowed(allowed: ["GET", "HEAD"])
        }
        throw HTTPError.notFound("There is nothing at \(request.path).")
    }

    /// The immediate answer when the request matches an immediate route, or matches nothing at all (404, 405);
    /// nil when an async handler or the fallback must answer.
    func route(for request: Request) -> (Route, [String: String])? {
        let parts = Self.split(request.path)
        let method = request.method == "HEAD" ? "GET" : request.method
        for route in routes where route.method == method {
            if let parameters = Self.match(route.segments, parts) { return (route, parameters) }
        }
        return nil
    }

    /// The pattern of the route a request goes to (`/api/v1/questions/{id}`), for labels of bounded cardinality.
    public func pattern(method: String, path: String) -> String? {
        route(for: Request(method: method, path: path)).map { $0.0.pattern }
    }

    static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    public func respondImmediately(to request: Request) -> Response? {
        guard let (route, parameters) = route(for: request), let immediate = route.immediate else { return nil }
        var request = request
        request.parameters = parameters
        do {
            return try immediate(request)
        } catch let error as any ProblemConvertible {
            return error.response
        } catch {
            return nil
        }
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
