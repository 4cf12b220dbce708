import Foundation

/// One HTTP request, fully received: the bridge hands a handler nothing until the body is complete and within limits.
public struct Request: Sendable {
    public var method: String
    /// The percent-decoded path, without the query string.
    public var path: String
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: Data
    /// Values of `{name}` segments, filled in by the router.
    public var parameters: [String: String] = [:]
    /// The pattern of the route this request matched (`/api/v1/questions/{id}`), set when it is routed; nil when
    /// no route matched (static files, 404, 405). Metrics and logs read it instead of routing again.
    public var route: String?
    /// Where routing sent this request, decided once (`Router.route(_:)`); nil until then.
    var destination: Router.Destination?
    /// The socket peer's address as text (`203.0.113.7`), set by the bridge; nil when unknown (in-process tests).
    public var remoteAddress: String?

    public init(
        method: String,
        path: String,
        query: [String: String] = [:],
        headers: HTTPHeaders = HTTPHeaders(),
        body: Data = Data(),
        remoteAddress: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The token of an `Authorization: Bearer TOKEN` header, if any.
    public var bearerToken: String? {
        guard let value = headers["Authorization"] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// Decodes a JSON body, insisting on a JSON content type first so that a form post is refused with 415, not 400.
    public func decodeJSON<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        let contentType = headers["Content-Type"]?.lowercased() ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            throw HTTPError.unsupportedMediaType(
                contentType.isEmpty
                    ? "The body must be JSON, sent with Content-Type: application/json."
                    : "The body must be JSON (Content-Type: application/json), not \(contentType)."
            )
        }
        do {
            return try decoder.decode(T.self, from: body)
        } catch let error as DecodingError {
            throw HTTPError.badRequest(Self.describe(error))
        } catch {
            throw HTTPError.badRequest("The body is not valid JSON.")
        }
    }

    /// Turns a DecodingError into a sentence that names the field, which is what a client needs to fix its request.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let names = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty
                ? "the body" : "field \"\(names.joined(separator: ".").replacingOccurrences(of: ".[", with: "["))\""
        }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "The body is not valid JSON." }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "Missing \(path(context.codingPath + [key]))."
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath).capitalizedFirst) must be \(Self.jsonName(of: type))."
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath).capitalizedFirst) must be \(Self.jsonName(of: type)), not null."
        @unknown default:
            return "The body does not have the expected fields."
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [Any].Type, is [String].Type: return "an array"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
