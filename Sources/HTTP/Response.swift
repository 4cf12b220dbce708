import Foundation

/// A complete response. Bodies are small here (JSON, files under `Public/`), so they are held in memory whole.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Data
    /// The same bytes as `body`, kept where libmicrohttpd can send them without a copy (see `StaticBody`).
    public var shared: SharedBytes?

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Encodes a value as the JSON body. Keys are sorted so that the same value always gives the same bytes (and ETag).
    public static func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
            body: body
        )
    }

    public static func text(
        _ text: String,
        status: HTTPStatus = .ok,
        contentType: String = "text/plain; charset=utf-8"
    ) -> Response {
        Response(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: Data(text.utf8))
    }
}
