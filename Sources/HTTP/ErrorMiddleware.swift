import Logging

/// Turns whatever a handler throws into a response, through the one mapping (`mapping(_:request:logger:)`).
public struct ErrorMiddleware: ImmediateMiddleware {
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

    public func respondImmediately(to request: Request, next: any ImmediateResponder) throws -> Response? {
        do {
            return try next.respondImmediately(to: request)
        } catch {
            return Self.response(for: error, request: request, logger: logger)
        }
    }

    /// The answer to a thrown error: `mapping(_:request:logger:)` made into its problem+json response.
    public static func response(for error: any Error, request: Request, logger: Logger) -> Response {
        mapping(error, request: request, logger: logger).response
    }

    /// The one mapping from an error to the `HTTPError` the client gets. An `HTTPResponseError` says which it is;
    /// a cancellation (the client gone, the deadline passed, shutdown) is a 503; anything else is a bug of ours,
    /// answered with a generic 500 that leaks nothing. Every 5xx is logged with the error that caused it, so a
    /// store or grader failure never passes silently.
    public static func mapping(_ error: any Error, request: Request, logger: Logger) -> HTTPError {
        let mapped: HTTPError
        switch error {
        case let error as any HTTPResponseError:
            mapped = error.httpError
        case is CancellationError:
            return .serviceUnavailable("The request was cancelled; try again.")
        default:
            logger.error(
                "unhandled error",
                metadata: ["http.method": "\(request.method)", "http.path": "\(request.path)", "error": "\(error)"]
            )
            return .internalError("Something went wrong on our side.")
        }
        if mapped.status.code >= 500 {
            logger.warning(
                "answered \(mapped.status.code)",
                metadata: ["http.method": "\(request.method)", "http.path": "\(request.path)", "error": "\(error)"]
            )
        }
        return mapped
    }
}
