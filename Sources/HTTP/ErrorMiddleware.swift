import Logging

/// The one place where errors become HTTP problems. An error that is not `ProblemConvertible` is a bug of ours:
/// it is logged and answered with a generic 500 that leaks nothing.
public struct ErrorMiddleware: Middleware {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func respond(to request: Request, next: any Responder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return Self.response(for: error, request: request, logger: logger)
        }
    }

    public static func response(for error: any Error, request: Request, logger: Logger) -> Response {
        switch error {
        case let error as any ProblemConvertible:
            return error.response
        case is CancellationError:
            return HTTPError.serviceUnavailable("The request was cancelled; try again.").response
        default:
            logger.error("unhandled error", metadata: ["http.path": "\(request.path)", "error": "\(error)"])
            return HTTPError.internalError("Something went wrong on our side.").response
        }
    }
}
