import Foundation
import HTTP
import QuizAppTesting

/// What a route test needs of a client, whichever way it reaches the application: in process (`InProcessClient`,
/// most route tests) or over a real socket (`RawHTTPClient`, for the bridge, restarts and exact bytes). One reply
/// type, so that a test reads the same either way.
protocol RouteClient: Sendable {
    func request(
        _ method: String,
        _ path: String,
        headers: [String: String],
        body: Data?
    ) async throws -> RawHTTPClient.Reply
}

extension RouteClient {
    func request(_ method: String, _ path: String, headers: [String: String] = [:]) async throws -> RawHTTPClient.Reply
    {
        try await request(method, path, headers: headers, body: nil)
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> RawHTTPClient.Reply {
        try await request("GET", path, headers: headers, body: nil)
    }

    /// POSTs `json` as is, with `Content-Type: application/json`.
    func postJSON(_ path: String, _ json: String, headers: [String: String] = [:]) async throws -> RawHTTPClient.Reply {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return try await request("POST", path, headers: headers, body: Data(json.utf8))
    }
}

extension RawHTTPClient: RouteClient {}

/// The in-process client (`QuizAppTesting`) behind the same calls as the socket client: header names come back in
/// lower case, as `RawHTTPClient` gives them.
struct InProcessClient: RouteClient {
    let client: TestClient

    func request(
        _ method: String,
        _ path: String,
        headers: [String: String],
        body: Data?
    ) async throws -> RawHTTPClient.Reply {
        let response = await client.execute(method, path, headers: headers, body: body ?? Data())
        var fields: [String: String] = [:]
        for field in response.headers { fields[field.name.lowercased()] = field.value }
        return RawHTTPClient.Reply(status: response.status.code, headers: fields, body: response.body)
    }
}

extension TestServer {
    /// Runs `body` with an in-process client of a fresh application (its own SQLite file, the repository's bank),
    /// then shuts its grading pool down however `body` ends.
    static func inProcess<T>(
        dataDirectory: String? = nil,
        _ body: (InProcessClient) async throws -> T
    ) async throws -> T {
        let (app, pool) = try makeApp(dataDirectory: dataDirectory)
        let result: T
        do {
            result = try await app.test { try await body(InProcessClient(client: $0)) }
        } catch {
            await pool.shutdown()
            throw error
        }
        await pool.shutdown()
        return result
    }
}
