import Foundation
import HTTP
import Logging

/// A client that sends requests straight to a responder, in process, the way the server would: routed once,
/// answered on the spot when the route can, else through the middleware chain, any error mapped by the one
/// mapping. No socket, no thread of libmicrohttpd: for route tests that need no real HTTP (in the style of
/// HummingbirdTesting's router client).
public struct TestClient: Sendable {
    let responder: any Responder
    let logger: Logger

    public init(responder: any Responder, logger: Logger = Logger(label: "test-client")) {
        self.responder = responder
        self.logger = logger
    }

    /// Sends one request. `path` may carry a query string (`/api/v1/questions?topic=tasks`), percent-encoded.
    public func execute(
        _ method: String,
        _ path: String,
        headers: [String: String] = [:],
        body: Data = Data()
    ) async -> TestResponse {
        let components = URLComponents(string: "http://test" + path)
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        var request = Request(
            method: method,
            path: components?.percentEncodedPath.removingPercentEncoding ?? path,
            query: query,
            headers: HTTPHeaders(headers.map { ($0.key, $0.value) }),
            body: body
        )
        (responder as? any RequestRouting)?.route(&request)
        let response: Response
        do {
            if let immediate = responder as? any ImmediateResponder,
                let answer = try immediate.respondImmediately(
                    to: request
                )
            {
                response = answer
            } else {
                response = try await responder.respond(to: request)
            }
        } catch {
            response = ErrorMiddleware.response(for: error, request: request, logger: logger)
        }
        return TestResponse(status: response.status, headers: response.headers, body: response.body)
    }

    public func get(_ path: String, headers: [String: String] = [:]) async -> TestResponse {
        await execute("GET", path, headers: headers)
    }

    /// POSTs `value` as JSON (`Content-Type: application/json`).
    public func post<T: Encodable>(
        _ path: String,
        json value: T,
        headers: [String: String] = [:]
    ) async throws
        -> TestResponse
    {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return await execute("POST", path, headers: headers, body: try JSONEncoder().encode(value))
    }
}

/// What the client got back.
public struct TestResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Data

    /// The body decoded as one of the API's own `Codable` types.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: body)
    }

    /// The body as an RFC 9457 problem document.
    public var problem: Problem? { try? decode(Problem.self) }

    public var text: String { String(decoding: body, as: UTF8.self) }
}
