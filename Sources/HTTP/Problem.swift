import Foundation

/// An RFC 9457 problem document: every error this server sends has this shape.
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

    public func response(headers extra: HTTPHeaders = HTTPHeaders()) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPHeaders([("Content-Type", "application/problem+json")])
        for field in extra { headers.add(field.name, field.value) }
        return Response(status: status, headers: headers, body: (try? encoder.encode(self)) ?? Data())
    }
}

/// An error that knows which problem it is. Domain modules conform their own error enums to this, so the mapping
/// to HTTP happens in one place (`ErrorMiddleware`) and handlers just `throw`.
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
    var problemHeaders: HTTPHeaders { get }
}

extension ProblemConvertible {
    public var problemHeaders: HTTPHeaders { HTTPHeaders() }

    /// The whole answer: the problem document with its headers (`Allow`, `Retry-After`, …).
    public var response: Response { problem.response(headers: problemHeaders) }
}
