/// The one error this server answers with: a status, the sentence a client reads (`detail`), and the headers that
/// go with it (`Allow`, `Retry-After`, `WWW-Authenticate`). Modelled on Hummingbird's `HTTPError`. Every error
/// response, wherever it is made (a handler, the router, the bridge's early answers, the deadline, shutdown),
/// becomes a problem document through `response`, and nowhere else.
public struct HTTPError: HTTPResponseError, Equatable, Sendable {
    public var status: HTTPStatus
    /// The problem document's `detail`: what went wrong, in words the client can act on.
    public var detail: String
    public var headers: HTTPHeaders
    /// The problem document's `title`; the status's reason phrase unless a domain error names its own.
    public var title: String

    public init(_ status: HTTPStatus, detail: String, headers: HTTPHeaders = HTTPHeaders(), title: String? = nil) {
        self.status = status
        self.detail = detail
        self.headers = headers
        self.title = title ?? status.reasonPhrase
    }

    public var httpError: HTTPError { self }

    /// The RFC 9457 document.
    public var problem: Problem { Problem(title: title, status: status.code, detail: detail) }

    /// The whole answer: the problem document as `application/problem+json` with the error's headers. The only
    /// place an error becomes a response.
    public var response: Response { problem.encoded(status: status, headers: headers) }

    public static func == (lhs: HTTPError, rhs: HTTPError) -> Bool {
        lhs.status == rhs.status && lhs.detail == rhs.detail && lhs.title == rhs.title
            && lhs.headers.fields.map { "\($0.name.lowercased()):\($0.value)" }
                == rhs.headers.fields.map { "\($0.name.lowercased()):\($0.value)" }
    }

    // The errors of the HTTP layer, by name.

    public static func badRequest(_ detail: String) -> HTTPError { HTTPError(.badRequest, detail: detail) }

    public static func unauthorized(_ detail: String) -> HTTPError {
        HTTPError(.unauthorized, detail: detail, headers: HTTPHeaders([("WWW-Authenticate", "Bearer")]))
    }

    public static func forbidden(_ detail: String) -> HTTPError { HTTPError(.forbidden, detail: detail) }

    public static func notFound(_ detail: String) -> HTTPError { HTTPError(.notFound, detail: detail) }

    public static func methodNotAllowed(allowed: [String]) -> HTTPError {
        let list = allowed.joined(separator: ", ")
        return HTTPError(
            .methodNotAllowed,
            detail: "This resource allows \(list).",
            headers: HTTPHeaders([("Allow", list)])
        )
    }

    public static func conflict(_ detail: String) -> HTTPError { HTTPError(.conflict, detail: detail) }

    /// - Parameter limit: the largest body accepted, in bytes.
    public static func payloadTooLarge(limit: Int) -> HTTPError {
        HTTPError(
            .contentTooLarge,
            detail: "The body is larger than \(limit / 1024) KiB, the most this server accepts."
        )
    }

    public static func unsupportedMediaType(_ detail: String) -> HTTPError {
        HTTPError(.unsupportedMediaType, detail: detail)
    }

    /// - Parameter retryAfter: seconds, sent as `Retry-After`.
    public static func tooManyRequests(retryAfter: Int, _ detail: String) -> HTTPError {
        HTTPError(.tooManyRequests, detail: detail, headers: HTTPHeaders([("Retry-After", String(retryAfter))]))
    }

    /// 503 with `Retry-After: 1`: shutting down, or a dependency (the grader, the database) not answering.
    public static func serviceUnavailable(_ detail: String) -> HTTPError {
        HTTPError(.serviceUnavailable, detail: detail, headers: HTTPHeaders([("Retry-After", "1")]))
    }

    /// 504 with `Retry-After: 1`: a handler overran the server's deadline.
    public static func gatewayTimeout(_ detail: String) -> HTTPError {
        HTTPError(.gatewayTimeout, detail: detail, headers: HTTPHeaders([("Retry-After", "1")]))
    }

    public static func internalError(_ detail: String) -> HTTPError { HTTPError(.internalServerError, detail: detail) }
}

/// An error that knows which `HTTPError` it is. Domain modules conform their own error enums to this (or to
/// `ProblemConvertible`), so handlers just `throw` and the mapping to a response happens in one place.
public protocol HTTPResponseError: Error {
    var httpError: HTTPError { get }
}

extension HTTPResponseError {
    /// The problem document this error answers with.
    public var problem: Problem { httpError.problem }
    /// The whole answer, made by `HTTPError.response`.
    public var response: Response { httpError.response }
}
