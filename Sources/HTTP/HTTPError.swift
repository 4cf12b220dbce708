/// The errors of the HTTP layer itself. Each maps to one status and a problem document.
public enum HTTPError: ProblemConvertible, Equatable {
    case badRequest(String)
    case unauthorized(String)
    case forbidden(String)
    case notFound(String)
    case methodNotAllowed(allowed: [String])
    case conflict(String)
    case payloadTooLarge(limit: Int)
    case unsupportedMediaType(String)
    case tooManyRequests(retryAfter: Int, String)
    case serviceUnavailable(String)
    case gatewayTimeout(String)
    case internalError(String)

    public var problem: Problem {
        switch self {
        case .badRequest(let detail): Problem(title: "Bad Request", status: 400, detail: detail)
        case .unauthorized(let detail): Problem(title: "Unauthorized", status: 401, detail: detail)
        case .forbidden(let detail): Problem(title: "Forbidden", status: 403, detail: detail)
        case .notFound(let detail): Problem(title: "Not Found", status: 404, detail: detail)
        case .methodNotAllowed(let allowed):
            Problem(
                title: "Method Not Allowed",
                status: 405,
                detail: "This resource allows \(allowed.joined(separator: ", "))."
            )
        case .conflict(let detail): Problem(title: "Conflict", status: 409, detail: detail)
        case .payloadTooLarge(let limit):
            Problem(
                title: "Payload Too Large",
                status: 413,
                detail: "The body is larger than \(limit / 1024) KiB, the most this server accepts."
            )
        case .unsupportedMediaType(let detail): Problem(title: "Unsupported Media Type", status: 415, detail: detail)
        case .tooManyRequests(_, let detail): Problem(title: "Too Many Requests", status: 429, detail: detail)
        case .serviceUnavailable(let detail): Problem(title: "Service Unavailable", status: 503, detail: detail)
        case .gatewayTimeout(let detail): Problem(title: "Service Unavailable", status: 503, detail: detail)
        case .internalError(let detail): Problem(title: "Internal Server Error", status: 500, detail: detail)
        }
    }

    public var problemHeaders: HTTPHeaders {
        switch self {
        case .methodNotAllowed(let allowed): HTTPHeaders([("Allow", allowed.joined(separator: ", "))])
        case .tooManyRequests(let seconds, _): HTTPHeaders([("Retry-After", String(seconds))])
        case .serviceUnavailable, .gatewayTimeout: HTTPHeaders([("Retry-After", "1")])
        case .unauthorized: HTTPHeaders([("WWW-Authenticate", "Bearer")])
        default: HTTPHeaders()
        }
    }
}
