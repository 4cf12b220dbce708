import Foundation

/// An RFC 9457 problem document: every error this server sends has this shape. Made from an `HTTPError`.
public struct Problem: Codable, Sendable, Equatable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String

    public init(type: String? = nil, title: String, status: Int, detail: String) {
        self.type = type ?? "about:blank"
        self.title = title
        self.status = status
        self.detail = detail
    }

    /// This document as an `HTTPError`, for code that states a problem rather than throwing one.
    public var httpError: HTTPError {
        HTTPError(HTTPStatus(code: status), detail: detail, title: title)
    }

    /// The document as `application/problem+json` (keys sorted, so the same problem gives the same bytes).
    func encoded(status: HTTPStatus, headers extra: HTTPHeaders) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPHeaders([("Content-Type", "application/problem+json")])
        for field in extra { headers.add(field.name, field.value) }
        return Response(status: status, headers: headers, body: (try? encoder.encode(self)) ?? Data())
    }
}

/// An error stated as a problem document and its headers: kept so that error types written that way still map
/// through `HTTPError`; new ones may conform to `HTTPResponseError` directly.
public protocol ProblemConvertible: HTTPResponseError {
    var problem: Problem { get }
    var problemHeaders: HTTPHeaders { get }
}

extension ProblemConvertible {
    public var problemHeaders: HTTPHeaders { HTTPHeaders() }

    public var httpError: HTTPError {
        var error = problem.httpError
        error.headers = problemHeaders
        return error
    }
}
